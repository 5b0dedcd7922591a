// The staff map: the listed reports as points, coloured by status; no basemap is assumed.
(function () {
  var box = document.getElementById("staff-map");
  var data = JSON.parse(document.getElementById("staff-geojson").textContent);
  if (!box || !window.L || !data.features.length) { if (box) box.hidden = true; return; }
  var map = L.map(box);
  var colours = { submitted: "#c0392b", acknowledged: "#e67e22", in_progress: "#f1c40f", reopened: "#8e44ad" };
  var layer = L.geoJSON(data, {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 7, weight: 1, color: "#222", fillOpacity: 0.9,
        fillColor: colours[feature.properties.status] || "#27ae60" });
    },
    onEachFeature: function (feature, marker) {
      var link = document.createElement("a");
      link.href = feature.properties.code + "/";
      link.textContent = feature.properties.code;
      marker.bindPopup(link);
    }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] });
  var tiles = document.body.dataset.basemap;
  if (tiles) L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
})();
