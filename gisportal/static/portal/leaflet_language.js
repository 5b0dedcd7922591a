// Leaflet's own controls in the page's language (Leaflet writes their tooltips and labels in English).
// Loaded right after leaflet.js, before any map is made: see templates/leaflet_language.html.
(function () {
  var words = document.currentScript.dataset;
  if (!window.L) return;
  L.Control.Zoom.mergeOptions({ zoomInTitle: words.zoomIn, zoomOutTitle: words.zoomOut });
  var layout = L.Control.Layers.prototype._initLayout;
  L.Control.Layers.include({
    _initLayout: function () {
      layout.call(this);
      this._layersLink.title = words.layers;
      this._layersLink.setAttribute("aria-label", words.layers);
    }
  });
  // The attribution's "Leaflet" link: the same link, word and flag, its tooltip in the page's language.
  var prefix = document.createElement("div");
  prefix.innerHTML = L.Control.Attribution.prototype.options.prefix;
  var link = prefix.querySelector("a[title]");
  if (link && words.leaflet) {
    link.title = words.leaflet;
    L.Control.Attribution.mergeOptions({ prefix: prefix.innerHTML });
  }
})();
