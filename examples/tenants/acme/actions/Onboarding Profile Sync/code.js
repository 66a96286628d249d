/**
 * Onboarding Profile Sync
 *
 * The storefront sign-up form lets new customers tell us whether they shop as a
 * "personal" or a "business" account, plus a few optional details. The form
 * stores the answers in user_metadata. Billing, the orders service and the
 * admin portal all read these values from app_metadata, so on every login we
 * copy whatever changed across.
 *
 * Owner: identity-team@acme.example (IDN-212)
 */

// Fields collected by the custom signup prompt that downstream services need.
const ONBOARDING_FIELDS = ['account_type', 'company_name', 'preferred_locale'];

/**
 * Returns the onboarding fields whose value in user_metadata differs from the
 * value already stored in app_metadata. Empty answers are ignored.
 */
function pickChangedOnboardingFields(userMetadata, appMetadata) {
  const changed = {};
  for (const field of ONBOARDING_FIELDS) {
    const value = userMetadata[field];
    if (value === undefined || value === null || value === '') {
      continue;
    }
    if (appMetadata[field] !== value) {
      changed[field] = value;
    }
  }
  return changed;
}

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  // Social and enterprise users are provisioned by their IdP; only database
  // sign-ups go through the onboarding form.
  if (event.connection.strategy !== 'auth0') {
    return;
  }

  const { user_metadata: userMetadata = {}, app_metadata: appMetadata = {} } = event.user;
  const changed = pickChangedOnboardingFields(userMetadata, appMetadata);
  const { account_type, ...otherFields } = changed;

  if (account_type) {
    // account_type drives pricing tiers and what the user can do in the shop.
    api.user.setAppMetadata('account_type', account_type);
  }

  for (const [key, value] of Object.entries(otherFields)) {
    api.user.setAppMetadata(key, value);
  }

  const keys = Object.keys(changed);
  if (keys.length > 0) {
    console.log(`onboarding sync for ${event.user.user_id}: ${keys.join(', ')}`);
  }
};
