# shellcheck shell=bash
# Certificate generation for one control-plane run (sourced by ./up). Everything is made fresh per
# run with openssl: a serving CA + apiserver serving certificate for 127.0.0.1/localhost, a client CA
# + an admin client certificate (O=system:masters), and a service-account signing key pair so
# TokenRequest and TokenReview work.

# make_ca DIR NAME: writes DIR/NAME.crt and DIR/NAME.key (ECDSA P-256, 7 days).
make_ca() {
  local dir="$1" name="$2"
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/$name.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/$name.key" -sha256 -days 7 -subj "/CN=authpath-e2e-$name" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$dir/$name.crt" 2>/dev/null
}

# issue_cert DIR CA NAME SUBJECT EXTENSIONS: writes DIR/NAME.crt and DIR/NAME.key signed by DIR/CA.
issue_cert() {
  local dir="$1" ca="$2" name="$3" subject="$4" extensions="$5"
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/$name.key" 2>/dev/null
  openssl req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr" 2>/dev/null
  printf '%b\n' "$extensions" > "$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -CAcreateserial \
    -days 7 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

make_all_certs() {
  local dir="$1"
  mkdir -p "$dir" && chmod 700 "$dir"
  make_ca "$dir" serving-ca
  issue_cert "$dir" serving-ca apiserver "/CN=kube-apiserver" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc"
  make_ca "$dir" client-ca
  issue_cert "$dir" client-ca admin "/O=system:masters/CN=authpath-e2e-admin" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth"
  openssl genrsa -out "$dir/sa-signer.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa-signer.key" -pubout -out "$dir/sa-signer.pub" 2>/dev/null
}

# write_kubeconfig FILE SERVER CERT_DIR: an admin kubeconfig with the certificates embedded.
write_kubeconfig() {
  local file="$1" server="$2" dir="$3"
  local ca cert key
  ca="$(base64 -w0 < "$dir/serving-ca.crt")"
  cert="$(base64 -w0 < "$dir/admin.crt")"
  key="$(base64 -w0 < "$dir/admin.key")"
  umask 077
  cat > "$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: authpath-e2e
  cluster:
    server: ${server}
    certificate-authority-data: ${ca}
users:
- name: authpath-e2e-admin
  user:
    client-certificate-data: ${cert}
    client-key-data: ${key}
contexts:
- name: authpath-e2e
  context:
    cluster: authpath-e2e
    user: authpath-e2e-admin
    namespace: default
current-context: authpath-e2e
KUBECONFIG
}
