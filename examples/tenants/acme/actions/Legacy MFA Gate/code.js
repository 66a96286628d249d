/**
 * Legacy MFA Gate
 *
 * Port of the old "Require MFA" rule. Kept as a draft while we evaluate the
 * tenant-wide MFA policy; not deployed and not bound to the login flow.
 */

function isSilentAuthentication(event) {
  // Silent authentication (prompt=none) cannot show a challenge; skipping it
  // keeps the storefront's background token renewal working.
  return event.transaction?.prompt === 'none';
}

function isTrustedDevice(event) {
  // Set by the mobile app once the user ticks "remember this device".
  return Boolean(event.user.user_metadata.trusted_device);
}

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (isSilentAuthentication(event)) {
    return;
  }

  if (isTrustedDevice(event)) {
    return;
  }

  api.multifactor.enable('any', { allowRememberBrowser: true });
};
