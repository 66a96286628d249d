/**
 * Terms Acceptance
 *
 * Sends users who have not accepted the current terms of service to the terms page first.
 * Where they wanted to go (`return_to`) is passed on only when it is one of the shop's own
 * pages, and `/continue` records the acceptance.
 */
const TERMS_VERSION = '2026-09';
const TERMS_PAGE = 'https://terms.acme.example/accept';
const SHOP_PREFIX = 'https://shop.acme.example/';
const SUPPORT_PAGES = ['https://help.acme.example/terms', 'https://help.acme.example/privacy'];
const NON_INTERACTIVE = ['oauth2-refresh-token', 'oauth2-password', 'oauth2-device-code'];

exports.onExecutePostLogin = async (event, api) => {
  if (event.user.app_metadata.terms_version === TERMS_VERSION) {
    return;
  }
  // A redirect would break refresh-token and password grants and silent authentication.
  const protocol = event.transaction && event.transaction.protocol;
  if (NON_INTERACTIVE.includes(protocol) || event.transaction.prompt === 'none') {
    return;
  }
  const query = event.request.query || {};
  const returnTo = query.return_to;
  if (returnTo && returnTo.startsWith(SHOP_PREFIX)) {
    api.redirect.sendUserTo(TERMS_PAGE, { query: { return_to: returnTo } });
    return;
  }
  if (SUPPORT_PAGES.includes(query.help)) {
    api.redirect.sendUserTo(query.help);
    return;
  }
  api.redirect.sendUserTo(TERMS_PAGE);
};

exports.onContinuePostLogin = async (event, api) => {
  api.user.setAppMetadata('terms_version', TERMS_VERSION);
};
