/* A link to #<id of a content tab> opens that tab once the content is parsed. */
(function () {
  var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && target.name && target.name.indexOf("__tabbed_") === 0) {
    target.checked = true;
  }
})();
