// Passkeys: fetch the options the server made, let the browser's authenticator create or use a passkey,
// then submit the form with its answer. Forms marked data-passkey="create" or "get" use this.
(function () {
  'use strict';

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) { base64 += '='; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function withIds(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBuffer(c.id) }); });
  }

  // Browsers that can parse the JSON form themselves do; older ones get the same conversion by hand.
  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) { return PublicKeyCredential.parseCreationOptionsFromJSON(json); }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      user: Object.assign({}, json.user, { id: toBuffer(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) { return PublicKeyCredential.parseRequestOptionsFromJSON(json); }
    return Object.assign({}, json, { challenge: toBuffer(json.challenge), allowCredentials: withIds(json.allowCredentials) });
  }

  function credentialJson(credential) {
    if (typeof credential.toJSON === 'function') { return JSON.stringify(credential.toJSON()); }
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      response.userHandle = r.userHandle ? toBase64url(r.userHandle) : null;
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults()
    });
  }

  function explain(error) {
    if (error && error.name === 'NotAllowedError') { return 'The passkey request was cancelled or timed out. Try again.'; }
    if (error && error.name === 'InvalidStateError') { return 'This device already holds a passkey for your account.'; }
    return 'This browser could not use a passkey here. Try another browser or device.';
  }

  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    var message = form.querySelector('[data-passkey-error]');
    if (!window.PublicKeyCredential || !navigator.credentials) {
      message.textContent = 'This browser does not support passkeys.';
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      return;
    }
    form.addEventListener('submit', async function (event) {
      var field = form.querySelector('input[name=CredentialJson]');
      if (field.value) { return; }
      event.preventDefault();
      message.textContent = '';
      try {
        var token = form.querySelector('input[name=__RequestVerificationToken]').value;
        var answer = await fetch(form.dataset.optionsUrl, { method: 'POST', headers: { RequestVerificationToken: token }, credentials: 'same-origin' });
        if (!answer.ok) { throw new Error('The server made no passkey options (' + answer.status + ').'); }
        var options = await answer.json();
        var credential = form.dataset.passkey === 'create'
          ? await navigator.credentials.create({ publicKey: creationOptions(options) })
          : await navigator.credentials.get({ publicKey: requestOptions(options) });
        field.value = credentialJson(credential);
        form.submit();
      } catch (error) {
        message.textContent = explain(error);
      }
    });
  });
})();
