// The password policy of docs/API.md, checked in the browser before the server
// checks it again: at least 8 characters, at least three of lower case, upper
// case, digits and symbols, not containing the login name. Returns the i18n
// key of the problem, or '' when the password passes.
export function passwordProblem(password, loginName) {
  if (!password) return 'common.required';
  if (password.length < 8) return 'password.tooWeak';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'password.tooWeak';
  if (loginName && password.toLowerCase().includes(String(loginName).toLowerCase())) return 'password.tooWeak';
  return '';
}
