// Participatory budget maps: proposals or projects (clustered), one proposal's shape, or picking a place on the
// proposal form. Everything the page says is also in its list or form: the map only enhances it.
(function () {
  var box = document.getElementById("pb-map");
  if (!box || !window.L) return;
  box.hidden = false;
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  var map = L.map(box, { maxZoom: 19 }).setView([34.5, 9.5], 6);
  var style = { color: "#0b5a6b", weight: 3, fillOpacity: 0.2 };

  function popup(feature, link) {
    // Built with text nodes: a title typed by a citizen is never read as HTML.
    var p = feature.properties, div = document.createElement("div"), a = document.createElement("a");
    a.textContent = p.title;
    a.href = link + (p.code ? p.code + "/" : feature.id + "/");
    a.dir = "auto";
    div.appendChild(a);
    var facts = document.createElement("div");
    facts.textContent = [p.district, p.cost || p.amount_budgeted, p.progress != null ? p.progress + "%" : null]
      .filter(function (x) { return x != null && x !== ""; }).join(" · ");
    div.appendChild(facts);
    return div;
  }

  function show(url) {
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      var group = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.featureGroup();
      L.geoJSON(data, {
        style: style,
        onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature, box.dataset.link)); }
      }).eachLayer(function (layer) { group.addLayer(layer); });
      group.addTo(map);
      if (group.getLayers().length) map.fitBounds(group.getBounds(), { maxZoom: 16, padding: [20, 20] });
    });
  }

  if (box.dataset.proposals) show(box.dataset.proposals);
  if (box.dataset.projects) show(box.dataset.projects);
  if (box.dataset.shape) {
    var shape = L.geoJSON(JSON.parse(box.dataset.shape), { style: style }).addTo(map);
    map.fitBounds(shape.getBounds(), { maxZoom: 17 });
  }
  if (!box.dataset.pick) return;

  // The proposal form: a tap places the point; in line or area mode each tap adds a corner.
  if (box.dataset.outline) map.fitBounds(L.geoJSON(JSON.parse(box.dataset.outline)).getBounds());
  var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
  var shapeField = document.getElementById("id_shape");
  var corners = [], drawn = null;
  function mode() { var checked = document.querySelector("input[name=draw]:checked"); return checked ? checked.value : "point"; }
  function redraw() {
    if (drawn) map.removeLayer(drawn);
    drawn = null;
    shapeField.value = "";
    if (!corners.length) return;
    var m = mode();
    if (m === "point") {
      drawn = L.marker(corners[0]).addTo(map);
      lat.value = corners[0].lat.toFixed(6);
      lon.value = corners[0].lng.toFixed(6);
      return;
    }
    var ring = corners.map(function (c) { return [c.lng, c.lat]; });
    if (m === "line" && corners.length >= 2) {
      drawn = L.polyline(corners, style).addTo(map);
      shapeField.value = JSON.stringify({ type: "LineString", coordinates: ring });
    } else if (m === "area" && corners.length >= 3) {
      drawn = L.polygon(corners, style).addTo(map);
      shapeField.value = JSON.stringify({ type: "Polygon", coordinates: [ring.concat([ring[0]])] });
    } else {
      drawn = L.layerGroup(corners.map(function (c) { return L.circleMarker(c, { radius: 4 }); })).addTo(map);
    }
    lat.value = corners[0].lat.toFixed(6);
    lon.value = corners[0].lng.toFixed(6);
  }
  map.on("click", function (event) {
    if (mode() === "point") corners = [event.latlng]; else corners.push(event.latlng);
    redraw();
  });
  document.querySelectorAll("input[name=draw]").forEach(function (radio) {
    radio.addEventListener("change", function () { corners = []; redraw(); });
  });
  var clear = document.getElementById("clear-shape");
  if (clear) clear.addEventListener("click", function () { corners = []; redraw(); });
})();
