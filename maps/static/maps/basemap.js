/* The portal's own basemap: its vector tiles (/basemap/{z}/{x}/{y}.pbf) drawn by Leaflet.VectorGrid as SVG,
   with the names of the page's language written into each tile (most important first, none over another). */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var LAND = "#eee8dc";
  // Width and colour per road class (OpenStreetMap highway=*); a `_link` road is drawn as its class. One stroke,
  // no casing: tiles overlap by their buffer, and a casing would cut every road at each tile's edge.
  var ROADS = {
    motorway: [4.5, "#e39443"], trunk: [4.5, "#eeab55"], primary: [4, "#f4c76c"], secondary: [3.5, "#f6dc91"],
    tertiary: [3, "#ffffff"], unclassified: [2.5, "#ffffff"], residential: [2.5, "#ffffff"], living_street: [2.5, "#ffffff"],
  };
  var OTHER_ROAD = [1.5, "#fbfaf7"];
  var OUTLINES = {
    governorate: { color: "#8f7a99", weight: 1.6, fill: false },
    municipality: { color: "#a08fa8", weight: 1.1, dashArray: "5 3", fill: false },
    district: { color: "#b9aebf", weight: 0.8, fill: false },
  };
  // Font size and weight by what is named.
  var TEXT = { governorate: [14, 700], municipality: [13, 700], place: [12, 600], district: [11, 400], road: [11, 400] };
  var CSS = ".gisportal-basemap-on{background:" + LAND + "}" +
    ".gisportal-basemap-labels text{font-family:system-ui,\"Noto Sans Arabic\",sans-serif;fill:#3b3340;" +
    "stroke:#fff;stroke-width:3px;stroke-linejoin:round;paint-order:stroke;text-anchor:middle}" +
    ".gisportal-basemap-labels .district{fill:#6d6272;font-style:italic}" +
    ".gisportal-basemap-labels .dot{fill:#5d4a66;stroke:#fff;stroke-width:1px}" +
    ".gisportal-basemap-labels .governorate{fill:#5d4a66;letter-spacing:.06em}";
  var uid = 0;

  function roadStyle(properties) {
    var road = ROADS[String(properties["class"]).replace(/_link$/, "")] || OTHER_ROAD;
    return { weight: road[0], color: road[1], opacity: 1, lineCap: "butt" };
  }
  function injectStyle() {
    if (document.getElementById("gisportal-basemap-css")) { return; }
    var style = document.createElement("style");
    style.id = "gisportal-basemap-css";
    style.textContent = CSS;
    document.head.appendChild(style);
  }
  function svgElement(name, attributes, parent) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (parent) { parent.appendChild(element); }
    return element;
  }
  // A rough box for a name: enough to keep two names apart without measuring each one.
  function box(x, y, text, size) {
    var half = text.length * size * 0.29 + 3;
    return [x - half, y - size, x + half, y + size * 0.4];
  }
  function overlaps(a, taken) {
    return taken.some(function (b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; });
  }

  L.GisportalBasemap = L.VectorGrid.Protobuf.extend({
    options: { language: "fr", maxZoom: 18, interactive: false },

    initialize: function (url, options) {
      L.VectorGrid.Protobuf.prototype.initialize.call(this, url, L.extend({
        rendererFactory: L.svg.tile,
        vectorTileLayerStyles: {
          boundaries: function (properties) { return OUTLINES[properties.kind] || []; },
          roads: roadStyle,
          labels: [],  // written as text by _writeNames
        },
      }, options));
      this._tileData = {};
      this.on("tileload", this._writeNames, this);
      this.on("tileunload", function (event) { delete this._tileData[this._tileCoordsToKey(event.coords)]; }, this);
    },
    onAdd: function (map) {
      injectStyle();
      L.DomUtil.addClass(map.getContainer(), "gisportal-basemap-on");
      L.VectorGrid.Protobuf.prototype.onAdd.call(this, map);
    },
    onRemove: function (map) {
      L.DomUtil.removeClass(map.getContainer(), "gisportal-basemap-on");
      L.VectorGrid.Protobuf.prototype.onRemove.call(this, map);
    },
    _getVectorTilePromise: function (coords) {
      var promise = L.VectorGrid.Protobuf.prototype._getVectorTilePromise.apply(this, arguments);
      this._tileData[this._tileCoordsToKey(coords)] = promise;
      return promise;
    },
    _name: function (properties) {
      var first = this.options.language === "ar" ? properties.name_ar : properties.name_fr;
      return first || properties.name_fr || properties.name_ar || properties.name || "";
    },
    _writeNames: function (event) {
      var key = this._tileCoordsToKey(event.coords), promise = this._tileData[key], self = this, svg = event.tile;
      delete this._tileData[key];
      if (!promise) { return; }
      promise.then(function (tile) {
        var layers = tile.layers || {}, size = self.getTileSize().x, taken = [];
        var group = svgElement("g", { "class": "gisportal-basemap-labels" }, svg);
        svg.style.overflow = "visible";  // a name near the edge runs on over the next tile
        if (layers.roads) { self._writeStreetNames(layers.roads, size / layers.roads.extent, group); }
        if (!layers.labels) { return; }
        var scale = size / layers.labels.extent;
        // Already ordered by the server: governorates, municipalities, places (largest first), districts.
        layers.labels.features.forEach(function (feature) {
          var name = self._name(feature.properties), kind = feature.properties.kind, text = TEXT[kind] || TEXT.place;
          var point = feature.geometry[0][0], x = point.x * scale, y = point.y * scale;
          if (!name) { return; }
          var area = box(x, y - 5, name, text[0]);
          if (overlaps(area, taken)) { return; }
          taken.push(area);
          // A town or village is a dot with its name above; an area's name stands at its middle.
          var dot = kind === "place" || kind === "municipality";
          if (dot) { svgElement("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5, "class": "dot" }, group); }
          var label = svgElement("text", { x: x.toFixed(1), y: (dot ? y - 5 : y + text[0] * 0.35).toFixed(1), "class": kind,
            "font-size": text[0], "font-weight": text[1], "data-kind": kind }, group);
          label.textContent = name;
        });
      });
    },
    // Each street's name once per tile, along its longest stretch, reading left to right.
    _writeStreetNames: function (roads, scale, group) {
      var written = {}, defs = null;
      roads.features.forEach(function (feature) {
        var name = feature.properties.name;
        if (!name || written[name]) { return; }
        var best = null, bestLength = 0;
        feature.geometry.forEach(function (line) {
          var length = 0;
          for (var i = 1; i < line.length; i++) { length += Math.hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y); }
          if (length > bestLength) { best = line; bestLength = length; }
        });
        if (!best || bestLength * scale < name.length * TEXT.road[0] * 0.6 + 16) { return; }
        var points = best[best.length - 1].x < best[0].x ? best.slice().reverse() : best;
        written[name] = true;
        defs = defs || svgElement("defs", {}, group);
        var id = "gisportal-street-" + (++uid);
        svgElement("path", { id: id, d: "M" + points.map(function (p) { return (p.x * scale).toFixed(1) + " " + (p.y * scale).toFixed(1); }).join("L") }, defs);
        var label = svgElement("text", { "class": "road", "font-size": TEXT.road[0], dy: "0.35em", "data-kind": "road" }, group);
        var path = svgElement("textPath", { href: "#" + id, startOffset: "50%" }, label);
        path.textContent = name;
      });
    },
  });
  L.gisportalBasemap = function (url, options) { return new L.GisportalBasemap(url, options); };
})();
