function addCountryClaim(user, context, callback) {
  // The storefront preselects currency and shipping options from the
  // country the user signs in from.
  const geoip = context.request.geoip;

  if (geoip && geoip.country_code) {
    context.idToken.country = geoip.country_code;
  }

  return callback(null, user, context);
}
