// A map of territorial units: our own GeoJSON on a plain background (a tile layer only when
// the installation sets one). The table next to it shows the same units for keyboards and
// screen readers.
(function () {
  "use strict";
  function draw(element) {
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25, attributionControl: Boolean(element.dataset.tiles) });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution || "" }).addTo(map);
    }
    fetch(element.dataset.geojson, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          style: function (feature) {
            var colour = feature.properties.colour;
            return colour
              ? { color: "#333333", weight: 0.6, fillColor: colour, fillOpacity: 0.85 }
              : { color: "#0b5d4b", weight: 1, fillColor: "#3f9c86", fillOpacity: 0.35 };
          },
          onEachFeature: function (feature, shape) {
            var p = feature.properties;
            var text = p.name + " (" + p.code + ")";
            if (p.label) { text += ": " + p.value + " · " + p.label; }
            shape.bindTooltip(text);
          }
        }).addTo(map);
        if (layer.getLayers().length) {
          map.fitBounds(layer.getBounds());
        } else {
          element.hidden = true;
        }
      });
  }
  document.querySelectorAll("[data-unit-map]").forEach(draw);
})();
