// The SAML HTTP-POST binding page: submit the SAMLResponse form to the app's ACS at once (the Continue button
// does the same without JavaScript).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("saml-post");
  if (form) { form.submit(); }
});
