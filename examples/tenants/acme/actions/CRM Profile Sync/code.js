/**
 * CRM Profile Sync
 *
 * Pushes the user's profile to the in-house CRM after login and stores the
 * CRM contact id on the user so support can jump between the two systems.
 *
 * TODO(OPS-1432): move the client credentials to event.secrets and switch the
 * CRM webhook to TLS once the new ingress is live.
 */
const { ManagementClient } = require('auth0');

const CRM_WEBHOOK_URL = 'http://crm.internal.acme.example/hooks/auth0';

const management = new ManagementClient({
  domain: 'acme-prod.eu.auth0.com',
  clientId: '8uwCDydesokF5NSAllsNdV40J599dTCZ',
  clientSecret: 'Cw3XVy27dFanUrOSE62chn4xdeJg1Kza5KxxGWfvmaQtKnP_VSGVBrYSuIb9OZiF',
});

function toCrmContact(user) {
  return {
    auth0_id: user.user_id,
    email: user.email,
    name: user.name,
    given_name: user.given_name,
    family_name: user.family_name,
    phone: user.phone_number,
    company: (user.user_metadata || {}).company_name,
    account_type: (user.app_metadata || {}).account_type,
    last_login: new Date().toISOString(),
  };
}

/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
  let response;
  try {
    response = await fetch(CRM_WEBHOOK_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(toCrmContact(event.user)),
    });
  } catch (err) {
    // Never block a login because the CRM is down.
    console.log(`CRM sync failed for ${event.user.user_id}: ${err.message}`);
    return;
  }

  if (!response.ok) {
    console.log(`CRM sync returned ${response.status} for ${event.user.user_id}`);
    return;
  }

  const { contact_id: contactId } = await response.json();
  const appMetadata = event.user.app_metadata || {};
  if (contactId && appMetadata.crm_contact_id !== contactId) {
    await management.users.update(
      { id: event.user.user_id },
      { app_metadata: { crm_contact_id: contactId } }
    );
  }
};
