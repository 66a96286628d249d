/**
 * Notify Slack
 *
 * Posts a short message to #new-customers for every new database sign-up.
 * The incoming-webhook URL lives in the Action secret SLACK_WEBHOOK_URL.
 */

function buildMessage(event) {
  const domain = (event.user.email || '').split('@')[1] || 'unknown';
  return {
    text: `New sign-up on ${event.connection.name} from a ${domain} address`,
  };
}

/**
 * Handler that will be called during the execution of a PostUserRegistration flow.
 *
 * @param {Event} event - Details about the context and user that has registered.
 * @param {PostUserRegistrationAPI} api - Methods and utilities to help change the behavior after a signup.
 */
exports.onExecutePostUserRegistration = async (event, api) => {
  const webhookUrl = event.secrets.SLACK_WEBHOOK_URL;
  if (!webhookUrl || !webhookUrl.startsWith('https://hooks.slack.com/')) {
    console.log('SLACK_WEBHOOK_URL is missing or not a Slack webhook; skipping');
    return;
  }

  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(buildMessage(event)),
  });

  if (!response.ok) {
    console.log(`Slack webhook returned ${response.status}`);
  }
};
