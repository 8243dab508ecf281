// The login page's only script: says why the last try failed, and keeps where the user was going.
const params = new URLSearchParams(location.search);
const messages = {
  invalid: 'That token was not accepted. Check it and try again.',
  rate: 'Too many failed tries from this address. Wait a minute, then try again.',
  link: 'That sign-in link has expired or was used already. Make a new one with fleet login-link, or use a token.',
};
const error = params.get('error');
if (error) {
  const box = document.querySelector('[data-testid="login-error"]');
  box.textContent = messages[error] || 'Logging in failed. Try again.';
  box.dataset.error = error;
  box.hidden = false;
}
const next = params.get('next');
// Only a path on this site: never //elsewhere or a full URL.
if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')) {
  document.querySelector('input[name="next"]').value = next;
}
document.getElementById('token').focus();
