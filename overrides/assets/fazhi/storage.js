/* The helpers Material's bundle expects as globals, in a file of their own so that the site's
   Content-Security-Policy (script-src 'self') needs no inline script.
   __md_scope is the site root (this file is <root>/assets/fazhi/storage.js): stored values are
   keyed under its path, so two sites on one host keep theirs apart. */
var __md_scope = new URL("../../", document.currentScript.src);

/* A small string hash (Material compares announcement texts with it). */
var __md_hash = function (text) {
  var hash = 0;
  for (var i = 0; i < text.length; i++) {
    hash = ((hash << 5) - hash + text.charCodeAt(i)) | 0;
  }
  return hash;
};

/* A stored JSON value, or null. */
var __md_get = function (key, storage, scope) {
  storage = storage || localStorage;
  scope = scope || __md_scope;
  return JSON.parse(storage.getItem(scope.pathname + "." + key));
};

/* Store a JSON value; a full or forbidden storage is not an error worth showing. */
var __md_set = function (key, value, storage, scope) {
  storage = storage || localStorage;
  scope = scope || __md_scope;
  try {
    storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
  } catch (ignored) {
    /* storage unavailable (private mode, quota): the page works without it */
  }
};
