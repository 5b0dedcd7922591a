// The map of a consultation's comments (clustered, as the participatory budget's proposals), and on the comment
// form a tap that fills the latitude and longitude. The list under the map says the same: the map only enhances it.
(function () {
  var box = document.getElementById("consultation-map");
  if (!box || !window.L) return;
  box.hidden = false;
  document.querySelectorAll(".no-js").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  var map = L.map(box, { maxZoom: 19 });
  map.fitBounds(L.geoJSON(JSON.parse(box.dataset.outline)).getBounds());

  function popup(feature) {
    // Built with text nodes: a comment typed by a resident is never read as HTML.
    var p = feature.properties, div = document.createElement("div"), text = document.createElement("p");
    text.dir = "auto";
    if (p.text) text.textContent = p.text;
    else { var em = document.createElement("em"); em.textContent = box.dataset.hiddenLabel + " " + p.hidden_reason; text.appendChild(em); }
    div.appendChild(text);
    var link = document.createElement("a");
    link.href = "#comment-" + feature.id;
    var district = document.documentElement.lang === "ar" && p.district_ar ? p.district_ar : p.district;
    link.textContent = [p.section, district, p.written].filter(function (x) { return x; }).join(" · ");
    div.appendChild(link);
    return div;
  }

  fetch(box.dataset.comments).then(function (r) { return r.json(); }).then(function (data) {
    var group = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.featureGroup();
    L.geoJSON(data, {
      onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature)); }
    }).eachLayer(function (layer) { group.addLayer(layer); });
    group.addTo(map);
  });

  if (!box.dataset.pick) return;
  var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon"), marker = null;
  map.on("click", function (event) {
    if (marker) map.removeLayer(marker);
    marker = L.marker(event.latlng).addTo(map);
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
  });
})();
