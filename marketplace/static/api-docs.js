// Starts Swagger UI on the API docs page, from a file so that the CSP needs no inline script.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    validatorUrl: null, // no badge fetched from elsewhere
    deepLinking: true,
  });
})();
