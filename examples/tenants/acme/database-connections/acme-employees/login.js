function login(email, password, callback) {
  // Employees authenticate against the HR directory until the lazy migration
  // to Auth0 is complete (import mode is on).
  const request = require('request');

  request.post({
    url: 'https://hr-directory.acme.example/api/v2/authenticate',
    headers: { 'x-api-key': configuration.API_KEY },
    json: { email: email, password: password },
    timeout: 5000
  }, function (err, response, body) {
    if (err) return callback(err);
    if (response.statusCode === 401) return callback(new WrongUsernameOrPasswordError(email));
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
