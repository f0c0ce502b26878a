// Start GraphiQL with the settings the gateway embedded in the page (no inline script, so the
// page's Content-Security-Policy can forbid them).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var baseFetcher = GraphiQL.createFetcher({ url: config.endpoint });

  // The headers editor starts with a hint, not a token: drop an Authorization header that still
  // holds a <placeholder>, so logIn and signUp work before a real token is pasted in.
  function fetcher(params, options) {
    var headers = Object.assign({}, (options && options.headers) || {});
    Object.keys(headers).forEach(function (name) {
      if (name.toLowerCase() === "authorization" && /[<>]/.test(String(headers[name]))) {
        delete headers[name];
      }
    });
    return baseFetcher(params, Object.assign({}, options, { headers: headers }));
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.defaultQuery,
      defaultHeaders: config.defaultHeaders,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
