/**
 * Session Preferences
 *
 * Puts the user's display preferences on the ID token so the storefront renders the right
 * language and time zone without another round trip, and adds the loyalty tier from the
 * legacy loyalty service to the access token for the offers API.
 *
 * TODO(LOY-88): the loyalty service still only listens on plain HTTP inside the VPC.
 */
const LOYALTY_URL = 'http://loyalty.internal.acme.example/v1/tier';

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  const prefs = event.user.user_metadata || {};
  api.idToken.setCustomClaim('https://acme.example/locale', prefs.locale || 'en-GB');
  api.idToken.setCustomClaim('https://acme.example/timezone', prefs.timezone || 'Europe/London');

  let res;
  try {
    res = await fetch(`${LOYALTY_URL}?user=${encodeURIComponent(event.user.user_id)}`, {
      headers: { 'x-api-key': event.secrets.LOYALTY_API_KEY },
    });
  } catch (err) {
    console.log(`loyalty lookup failed: ${err.message}`);
    return;
  }
  if (res.ok) {
    const { tier } = await res.json();
    api.accessToken.setCustomClaim('https://acme.example/loyalty_tier', tier);
  }
};
