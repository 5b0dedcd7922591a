// The "where" step, enhanced: the map opens where she searched (or on her pin, or on the country); she taps or
// drags the pin, or uses the phone's location. Without it, the form and the map picture work on their own.
(function () {
  var box = document.getElementById("report-map");
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_lon");
  if (!box || !window.L) return;
  box.hidden = false;
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  document.querySelectorAll(".no-js").forEach(function (el) { el.hidden = true; });
  var start = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : null;
  var centre = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  var map = L.map(box, { maxZoom: 18 }).setView(centre, parseInt(box.dataset.zoom, 10));
  if (box.dataset.basemap) {
    L.tileLayer(box.dataset.basemap, { maxZoom: 18 }).addTo(map);
  } else if (box.dataset.vector && L.gisportalBasemap) {
    // The portal's own basemap: streets, districts and place names in the page's language.
    L.gisportalBasemap(box.dataset.vector, { language: box.dataset.language, attribution: box.dataset.attribution }).addTo(map);
  }
  var pin = null;
  function place(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (pin) { pin.setLatLng(latlng); return; }
    pin = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
    pin.on("dragend", function () { place(pin.getLatLng()); });
  }
  if (start) place(L.latLng(start[0], start[1]));
  map.on("click", function (event) { place(event.latlng); });
  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var here = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, 17);
        place(here);
      });
    });
  } else if (locate) { locate.hidden = true; }
})();
