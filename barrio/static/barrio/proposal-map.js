// The place of a proposal's works on a map of its unit: tap to mark a point, or choose
// "area" and tap each corner of a polygon. The GeoJSON goes into a hidden input; the
// server checks it lies inside the unit. Read-only maps show the place and the unit.
(function () {
  "use strict";
  var BOUNDARY = { color: "#0b5d4b", weight: 2, fillColor: "#3f9c86", fillOpacity: 0.12 };
  var PLACE = { color: "#8a2d00", weight: 3, fillColor: "#d2691e", fillOpacity: 0.35 };

  function readJSON(text) {
    try { return text ? JSON.parse(text) : null; } catch (error) { return null; }
  }

  function setUp(element) {
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(element.dataset.tiles) });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19 }).addTo(map);
    }
    var boundaryScript = document.getElementById("unit-boundary");
    var boundaryText = boundaryScript ? readJSON(boundaryScript.textContent) : null;
    var boundary = readJSON(boundaryText);
    var area = boundary ? L.geoJSON(boundary, { style: BOUNDARY, interactive: false }).addTo(map) : null;
    if (area && area.getLayers().length) { map.fitBounds(area.getBounds()); } else { map.setView([0, 0], 2); }

    var input = element.dataset.input ? document.getElementById(element.dataset.input) : null;
    var shown = L.layerGroup().addTo(map);
    var corners = [];
    var status = document.querySelector("[data-map-status]");

    function draw(geometry) {
      shown.clearLayers();
      if (!geometry) { return; }
      if (geometry.type === "Point") {
        var c = geometry.coordinates;
        L.circleMarker([c[1], c[0]], { radius: 9, color: PLACE.color, weight: 3, fillColor: PLACE.fillColor, fillOpacity: 0.8 }).addTo(shown);
      } else {
        L.geoJSON(geometry, { style: PLACE }).addTo(shown);
      }
    }

    var existing = readJSON(element.dataset.location || (input && input.value));
    draw(existing);
    if (element.hasAttribute("data-readonly") || !input) { return; }

    function mode() {
      var chosen = document.querySelector("input[name=mode]:checked");
      return chosen ? chosen.value : "point";
    }

    function say(text) { if (status) { status.textContent = text; } }

    function save() {
      var geometry = null;
      if (mode() === "point" && corners.length) {
        var p = corners[corners.length - 1];
        geometry = { type: "Point", coordinates: [p.lng, p.lat] };
      } else if (mode() === "polygon" && corners.length >= 3) {
        var ring = corners.map(function (c) { return [c.lng, c.lat]; });
        ring.push(ring[0]);
        geometry = { type: "Polygon", coordinates: [ring] };
      }
      input.value = geometry ? JSON.stringify(geometry) : "";
      draw(geometry);
      if (mode() === "polygon" && corners.length && corners.length < 3) {
        corners.forEach(function (c) { L.circleMarker(c, { radius: 5, color: PLACE.color }).addTo(shown); });
      }
      say(geometry ? (geometry.type === "Point" ? element.dataset.pointText : element.dataset.areaText) : "");
    }

    map.on("click", function (event) {
      if (mode() === "point") { corners = [event.latlng]; } else { corners.push(event.latlng); }
      save();
    });
    document.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.addEventListener("change", function () { corners = []; save(); });
    });
    var undo = document.querySelector("[data-map-undo]");
    if (undo) { undo.addEventListener("click", function () { corners.pop(); save(); }); }
    var clear = document.querySelector("[data-map-clear]");
    if (clear) { clear.addEventListener("click", function () { corners = []; save(); }); }
  }

  document.querySelectorAll("[data-proposal-map]").forEach(setUp);
})();
