/**
 * Add Namespaced Roles
 *
 * Exposes the user's RBAC roles to the applications. Claims are namespaced so
 * Auth0 does not drop them.
 */

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (!event.authorization) {
    return;
  }

  api.idToken.setCustomClaim('https://acme.example/roles', event.authorization.roles);
  api.accessToken.setCustomClaim('https://acme.example/roles', event.authorization.roles);
};
