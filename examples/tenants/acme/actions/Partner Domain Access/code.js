/**
 * Partner Domain Access
 *
 * Acme account managers sign in to the Partner Hub through the partner
 * connections to place orders on behalf of partners. They are recognised by
 * their verified @acme.example address and get write access to the Orders API
 * plus the "internal" partner tier. Real partners get the "partner" tier.
 */

const ORDERS_API = 'https://api.acme.example/orders';
const TIER_CLAIM = 'https://acme.example/partner_tier';
const PARTNER_CONNECTIONS = ['partner-portal-oauth', 'contoso-entra'];

function requestsOrdersApi(event) {
  return event.resource_server && event.resource_server.identifier === ORDERS_API;
}

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (!PARTNER_CONNECTIONS.includes(event.connection.name) || !event.user.email) {
    return;
  }

  // Only trust the address once the identity provider has verified it.
  if (event.user.email_verified && event.user.email.endsWith('@acme.example')) {
    api.accessToken.setCustomClaim(TIER_CLAIM, 'internal');
    if (requestsOrdersApi(event)) {
      api.accessToken.addScope('write:orders');
    }
    return;
  }

  api.accessToken.setCustomClaim(TIER_CLAIM, 'partner');
};
