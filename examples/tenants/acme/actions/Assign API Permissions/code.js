/**
 * Assign API Permissions
 *
 * Adds Orders API permissions and a few convenience claims derived from the
 * account type kept in app_metadata (see "Onboarding Profile Sync").
 *
 *   personal -> default RBAC permissions only
 *   business -> billing account claim for invoice downloads
 *   staff    -> admin:orders, used by the admin portal to manage any order
 */

const ORDERS_API = 'https://api.acme.example/orders';
const NAMESPACE = 'https://acme.example';

function isOrdersApiRequest(event) {
  return Boolean(event.resource_server) && event.resource_server.identifier === ORDERS_API;
}

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  const appMetadata = event.user.app_metadata || {};
  const accountType = appMetadata.account_type || 'personal';

  // The storefront shows different navigation for business customers.
  api.idToken.setCustomClaim(`${NAMESPACE}/account_type`, accountType);

  if (!isOrdersApiRequest(event)) {
    return;
  }

  api.accessToken.setCustomClaim(`${NAMESPACE}/account_type`, accountType);

  if (event.user.app_metadata.account_type === 'staff') {
    // Staff manage every customer's orders from the admin portal.
    api.accessToken.addScope('admin:orders');
  }

  if (accountType === 'business' && appMetadata.billing_account_id) {
    api.accessToken.setCustomClaim(`${NAMESPACE}/billing_account`, appMetadata.billing_account_id);
  }
};
