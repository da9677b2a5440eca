/* The query page of govkg: YASGUI (vendored, served by govkg) on this server's SPARQL endpoint,
 * with the query catalogue as examples.  The page names the endpoint and the catalogue in data
 * attributes of #yasgui, relative to the page, and the query it ran (data-query) when it was asked
 * for one; without YASGUI (no JavaScript) the page's plain form, its answer and its list of
 * examples stay as they are. */
(function () {
  "use strict";

  var holder = document.getElementById("yasgui");
  if (!holder || typeof window.Yasgui !== "function") {
    return;
  }
  var endpoint = new URL(holder.dataset.endpoint, document.baseURI).href;
  var catalogueUrl = new URL(holder.dataset.examples, document.baseURI).href;

  // The class and property completers ask a web service (LOV) for terms: not from this page.
  var completers = window.Yasgui.Yasqe.defaults.autocompleters;
  window.Yasgui.Yasqe.defaults.autocompleters = completers.filter(function (name) {
    return name !== "class" && name !== "property";
  });

  function start(examples) {
    var yasgui = new window.Yasgui(holder, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      persistenceId: null,
      populateFromUrl: false,
      autoAddOnInit: false,
      endpointCatalogueOptions: {
        getData: function () {
          return [{ endpoint: endpoint }];
        },
        keys: [],
      },
    });
    var byName = {};
    examples.forEach(function (example) {
      byName[example.name] = example;
    });

    function open(example) {
      var config = { requestConfig: { endpoint: endpoint } };
      if (example) {
        config.name = example.title;
        config.yasqe = { value: example.query };
      }
      return yasgui.addTab(true, config, { avoidDuplicateTabs: true });
    }

    function fromHash() {
      var match = /^#example=(.+)$/.exec(window.location.hash);
      return match ? byName[decodeURIComponent(match[1])] : undefined;
    }

    holder.parentNode.insertBefore(picker(examples, function (name) {
      open(byName[name]);
    }), holder);
    if (holder.dataset.query !== undefined) {
      open({ title: "Query", query: holder.dataset.query }).query();
    } else {
      open(fromHash() || byName[holder.dataset.start] || examples[0]);
    }
    window.addEventListener("hashchange", function () {
      var example = fromHash();
      if (example) {
        open(example);
      }
    });
    ["plain-query", "plain-answer"].forEach(function (id) {
      var element = document.getElementById(id);
      if (element) {
        element.hidden = true;
      }
    });
  }

  function picker(examples, onPick) {
    var label = document.createElement("label");
    label.textContent = "Open an example: ";
    var select = document.createElement("select");
    var first = document.createElement("option");
    first.value = "";
    first.textContent = "(choose a query from the catalogue)";
    select.appendChild(first);
    examples.forEach(function (example) {
      var option = document.createElement("option");
      option.value = example.name;
      option.textContent = example.title + " (" + example.name + ")";
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      if (select.value) {
        onPick(select.value);
        select.value = "";
      }
    });
    label.appendChild(select);
    var paragraph = document.createElement("p");
    paragraph.appendChild(label);
    return paragraph;
  }

  fetch(catalogueUrl, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the catalogue answered " + response.status);
      }
      return response.json();
    })
    .then(function (catalogue) {
      start(catalogue.queries);
    })
    .catch(function (error) {
      window.console.warn("govkg: no examples (" + error.message + ")");
      start([]);
    });
})();
