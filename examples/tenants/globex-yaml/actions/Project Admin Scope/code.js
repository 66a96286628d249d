/**
 * Project Admin Scope
 *
 * Grants Projects API permissions from the role kept in app_metadata
 * (written by the legacy "Sync Role From Profile" rule, which runs first).
 */

const PROJECTS_API = 'https://api.##GLOBEX_DOMAIN##/projects';

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (!event.resource_server || event.resource_server.identifier !== PROJECTS_API) {
    return;
  }

  const role = (event.user.app_metadata || {}).role;

  if (role === 'manager') {
    api.accessToken.addScope('admin:projects');
  }

  if (role === 'manager' || role === 'contributor') {
    api.accessToken.addScope('write:projects');
  }

  api.accessToken.setCustomClaim('https://globex.example/role', role || 'viewer');
};
