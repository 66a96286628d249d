/**
 * Require MFA for Admins
 *
 * Anyone holding the Admin role (assigned by the identity team through RBAC)
 * must complete a second factor on every login.
 */

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  // Role names are "Admin" and "Support"; compare case-insensitively.
  const roles = (event.authorization?.roles ?? []).map((role) => role.toLowerCase());

  if (roles.includes('admin')) {
    api.multifactor.enable('any');
  }
};
