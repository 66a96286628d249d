-- Argo CD health check for authpath.dev/Auth0Integration (resource.customizations.health.authpath.dev_Auth0Integration).
-- Follows the kstatus rules: status older than the spec is Progressing; Ready=True is Healthy;
-- Ready=False caused by a spec problem or a failed scan is Degraded; anything else is Progressing.
local hs = { status = "Progressing", message = "Waiting for the operator" }
if obj.status == nil then
  return hs
end
local generation = obj.metadata.generation or 0
local observed = obj.status.observedGeneration or 0
if observed < generation then
  hs.message = "Status is older than the spec (observedGeneration " .. observed .. " < " .. generation .. ")"
  return hs
end
if obj.spec ~= nil and obj.spec.scan ~= nil and obj.spec.scan.suspend == true then
  hs.status = "Suspended"
  hs.message = "Scheduled scans are suspended"
end
local degraded = {
  InvalidSpec = true, ScanFailed = true, ScanTimedOut = true, TenantReadFailed = true,
  ScanPartial = true, VaultLoginFailed = true,
  SecretNotFound = true, SecretKeyMissing = true, VaultFieldMissing = true,
  VaultSecretUnreadable = true, VaultConfigInvalid = true,
}
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" then
      if condition.status == "True" then
        if hs.status ~= "Suspended" then
          hs.status = "Healthy"
        end
        hs.message = condition.message or "Ready"
      elseif degraded[condition.reason] then
        hs.status = "Degraded"
        hs.message = (condition.reason or "") .. ": " .. (condition.message or "")
      else
        hs.status = "Progressing"
        hs.message = (condition.reason or "") .. ": " .. (condition.message or "")
      end
    end
  end
end
return hs
