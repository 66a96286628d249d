function getByEmail(email, callback) {
  // Used by password reset and by the migration to look an employee up.
  const request = require('request');

  request.get({
    url: 'https://hr-directory.acme.example/api/v2/employees',
    qs: { email: email },
    headers: { 'x-api-key': configuration.API_KEY },
    json: true,
    timeout: 5000
  }, function (err, response, body) {
    if (err) return callback(err);
    if (response.statusCode === 404) return callback(null);
    if (response.statusCode !== 200) {
      return callback(new Error('HR directory returned ' + response.statusCode));
    }

    callback(null, {
      user_id: 'hr|' + body.employee_id,
      email: body.email,
      name: body.display_name,
      given_name: body.first_name,
      family_name: body.last_name
    });
  });
}
