/* clusterscape maps: turns each server-rendered map component (core/partials/map.html) into a
 * Leaflet map. Without JavaScript, or when loading fails, the list of places stays the whole
 * component. Everything comes from the element's data-* attributes and a JSON block (no inline
 * script); Leaflet and Leaflet.markercluster are loaded only on pages that have a map. */
(function () {
  "use strict";

  var loading = {};

  function load(url, make) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var element = make(url);
        element.onload = resolve;
        element.onerror = function () { reject(new Error("could not load " + url)); };
        // Before the site's stylesheet, so that site.css adjusts Leaflet's look.
        document.head.insertBefore(element, document.head.querySelector("link[rel=stylesheet]"));
      });
    }
    return loading[url];
  }

  function script(url) {
    return load(url, function () {
      var element = document.createElement("script");
      element.src = url;
      element.async = false;
      return element;
    });
  }

  function stylesheet(url) {
    return load(url, function () {
      var element = document.createElement("link");
      element.rel = "stylesheet";
      element.href = url;
      return element;
    });
  }

  function escapeHtml(text) {
    var element = document.createElement("span");
    element.textContent = text;
    return element.innerHTML;
  }

  var OUTLINE_STYLES = {
    country: { color: "#8a96a3", weight: 1, fillColor: "#f3f5f7", fillOpacity: 1 },
    state: { color: "#6b7785", weight: 0.8, fillColor: "#e8edf2", fillOpacity: 1 }
  };
  var STATES_OVER_TILES = { color: "#4a5560", weight: 1, fill: false };

  function popupContent(place, labels) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = place.url;
    link.textContent = place.name;
    box.appendChild(link);
    var where = document.createElement("p");
    where.textContent = place.place + (place.approximate ? " (" + labels.labelApproximate + ")" : "");
    box.appendChild(where);
    return box;
  }

  function markerFor(place, labels) {
    var name = escapeHtml(place.name + (place.approximate ? ", " + labels.labelApproximate : ""));
    var marker = L.marker([place.lat, place.lon], {
      icon: L.divIcon({
        className: "map-pin" + (place.approximate ? " map-pin--approximate" : ""),
        html: '<span class="visually-hidden">' + name + "</span>",
        iconSize: [18, 18]
      }),
      title: place.name
    });
    marker.bindPopup(popupContent(place, labels));
    marker.on("popupopen", function (event) {
      var element = event.popup.getElement();
      var close = element.querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", labels.labelClose);
        close.title = labels.labelClose;
      }
      element.querySelector("a[href]:not(.leaflet-popup-close-button)").focus();
    });
    marker.on("popupclose", function (event) {
      var popup = event.popup.getElement();
      var icon = marker.getElement();
      if (icon && (!document.activeElement || document.activeElement === document.body ||
          (popup && popup.contains(document.activeElement)))) {
        icon.focus();
      }
    });
    return marker;
  }

  function clusterGroup(labels) {
    return L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        return L.divIcon({
          className: "map-cluster",
          html: '<span aria-hidden="true">' + count + '</span><span class="visually-hidden">' +
            escapeHtml(labels.labelCluster.replace("{count}", count)) + "</span>",
          iconSize: [36, 36]
        });
      }
    });
  }

  // The markers: from the page's JSON block, or fetched from data-markers-url.
  function loadPlaces(options) {
    if (options.markersUrl) {
      return fetch(options.markersUrl, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("markers: HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (document) {
          // compact rows: [lat, lon, approximate, name, slug, place]
          return document.markers.map(function (row) {
            return {
              lat: row[0], lon: row[1], approximate: row[2] === 1, name: row[3],
              url: document.url.replace("{slug}", encodeURIComponent(row[4])), place: row[5]
            };
          });
        });
    }
    var markersBlock = document.getElementById(options.markers);
    return Promise.resolve(markersBlock ? JSON.parse(markersBlock.textContent) : []);
  }

  function draw(element, places) {
    var options = element.dataset;
    var section = element.closest("section") || element.parentNode;

    element.hidden = false;
    section.querySelectorAll("[data-map-reveal]").forEach(function (item) { item.hidden = false; });

    var map = L.map(element, {
      zoomControl: false,
      minZoom: 2,
      maxZoom: options.tileUrl ? 18 : 12,
      keyboard: true
    });
    L.control.zoom({ zoomInTitle: options.labelZoomIn, zoomOutTitle: options.labelZoomOut }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution(escapeHtml(options.outlineAttribution));
    if (options.tileUrl) {
      L.tileLayer(options.tileUrl, { attribution: escapeHtml(options.tileAttribution || "") }).addTo(map);
    }

    var group = clusterGroup(options);
    places.forEach(function (place) { group.addLayer(markerFor(place, options)); });
    group.addTo(map);
    if (places.length) {
      map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 7 });
    } else {
      map.setView([51.2, 10.4], 5);
    }
    element.dataset.zoom = map.getZoom();
    map.on("zoomend", function () { element.dataset.zoom = map.getZoom(); });

    // The shipped outlines are the base layer; over tiles only the German states are drawn.
    var outlines = fetch(options.outlines)
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        L.geoJSON(collection, {
          interactive: false,
          filter: function (feature) { return !options.tileUrl || feature.properties.kind === "state"; },
          style: function (feature) {
            return options.tileUrl ? STATES_OVER_TILES : OUTLINE_STYLES[feature.properties.kind];
          }
        }).addTo(map);
      })
      .catch(function () { /* the markers still show without the outlines */ });

    var list = document.getElementById(options.list);
    if (list) {
      list.open = false;
    }
    return outlines.then(function () { element.dataset.ready = "true"; });
  }

  function fallBack(element) {
    var section = element.closest("section") || element.parentNode;
    element.hidden = true;
    section.querySelectorAll("[data-map-reveal]").forEach(function (item) { item.hidden = true; });
    var list = document.getElementById(element.dataset.list);
    if (list) {
      list.open = true;
    }
  }

  function start(root) {
    var selector = "[data-map]:not([data-map-started])";
    var elements = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) {
      elements.push(root);
    }
    elements.forEach(function (element) {
      element.dataset.mapStarted = "true";
      var options = element.dataset;
      Promise.all([stylesheet(options.leafletCss), stylesheet(options.clusterCss)])
        .then(function () { return script(options.leafletJs); })
        .then(function () { return script(options.clusterJs); })
        .then(function () { return loadPlaces(options); })
        .then(function (places) { return draw(element, places); })
        .catch(function () { fallBack(element); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
  // Content swapped in by htmx (the directory's map view) may bring new maps.
  document.addEventListener("htmx:load", function (event) { start(event.detail.elt); });
})();
