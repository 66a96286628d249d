function syncRoleFromProfile(user, context, callback) {
  // During onboarding people pick how they will use Globex (viewer,
  // contributor or manager). The choice is saved in user_metadata by the web
  // app; the API and the "Project Admin Scope" Action read it from
  // app_metadata, so keep the two in step.
  user.app_metadata = user.app_metadata || {};
  const requestedRole = (user.user_metadata || {}).role;

  if (!requestedRole || user.app_metadata.role === requestedRole) {
    return callback(null, user, context);
  }

  user.app_metadata.role = requestedRole;

  auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
    .then(function () {
      callback(null, user, context);
    })
    .catch(function (err) {
      callback(err);
    });
}
