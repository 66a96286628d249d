/**
 * Block Disposable Emails
 *
 * Rejects sign-ups that use throw-away mailbox providers. Fraud team saw a
 * wave of coupon abuse from these domains in Q3.
 */

const DISPOSABLE_DOMAINS = new Set([
  'mailinator.com',
  'guerrillamail.com',
  '10minutemail.com',
  'trashmail.com',
  'yopmail.com',
  'tempmail.dev',
]);

function emailDomain(email) {
  const at = (email || '').lastIndexOf('@');
  return at === -1 ? '' : email.slice(at + 1).toLowerCase();
}

/**
 * Handler that will be called during the execution of a PreUserRegistration flow.
 *
 * @param {Event} event - Details about the context and user that is attempting to register.
 * @param {PreUserRegistrationAPI} api - Interface whose methods can be used to change the behavior of the signup.
 */
exports.onExecutePreUserRegistration = async (event, api) => {
  const domain = emailDomain(event.user.email);
  if (!domain) {
    return;
  }

  if (DISPOSABLE_DOMAINS.has(domain)) {
    api.access.deny(
      'disposable_email',
      'Sign-ups with disposable email addresses are not allowed. Please use your personal or work email.'
    );
  }
};
