/**
@param {object} user - The user being created
@param {string} user.id - user id
@param {string} user.tenant - Auth0 tenant name
@param {string} user.username - user name
@param {string} user.email - email
@param {boolean} user.emailVerified - is e-mail verified?
@param {string} user.phoneNumber - phone number
@param {boolean} user.phoneNumberVerified - is phone number verified?
@param {object} user.user_metadata - user metadata
@param {object} user.app_metadata - application metadata
@param {object} context - Auth0 connection and other context info
@param {string} context.requestLanguage - language of the client agent
@param {object} context.connection - information about the Auth0 connection
@param {object} context.connection.id - connection id
@param {object} context.connection.name - connection name
@param {object} context.connection.tenant - connection tenant
@param {object} context.webtask - webtask context
@param {function} cb - function (error, response)
*/
const https = require('https');

// Bot token of the "Globex Signups" Slack app (channel #signups).
const SLACK_BOT_TOKEN = 'xoxb-45333147893-2880407238625-uhfJXqIEnomef2mSJ5CMTIeg';
const SLACK_CHANNEL = 'C04SIGNUPS';

function postToSlack(text, done) {
  const body = JSON.stringify({ channel: SLACK_CHANNEL, text: text });
  const req = https.request({
    hostname: 'slack.com',
    path: '/api/chat.postMessage',
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Authorization': 'Bearer ' + SLACK_BOT_TOKEN,
      'Content-Length': Buffer.byteLength(body)
    }
  }, function (res) {
    res.resume();
    res.on('end', function () { done(); });
  });
  req.on('error', function () { done(); });
  req.end(body);
}

module.exports = function (user, context, cb) {
  const domain = (user.email || '').split('@')[1] || 'unknown domain';
  postToSlack('New Globex sign-up from ' + domain + ' via ' + context.connection.name, function () {
    cb();
  });
};
