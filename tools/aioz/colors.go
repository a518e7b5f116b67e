package aioz

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// Player theme values (seed 001 B6, B7): AIOZ wants every colour as
// rgba(r, g, b, a) and every size in px. People give #f00, #ff000080, red,
// rgb(0,128,255) or 40; normalise turns them into what the API takes and
// says what it changed.

var (
	reRGB = regexp.MustCompile(`^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*(\d*\.?\d+%?)\s*)?\)$`)
	reHex = regexp.MustCompile(`^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)
	rePx  = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*(px)?$`)
)

// rgbaColor converts a CSS colour (hex, name, rgb(), rgba()) to the form
// rgba(r, g, b, a) with a between 0 and 1 (at most two decimals).
func rgbaColor(in string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(in))
	if c, ok := cssColors[s]; ok {
		return formatRGBA(c[0], c[1], c[2], 1), nil
	}
	if s == "transparent" {
		return formatRGBA(0, 0, 0, 0), nil
	}
	if m := reHex.FindStringSubmatch(s); m != nil && (strings.HasPrefix(s, "#") || len(m[1]) >= 6) {
		h := m[1]
		if len(h) <= 4 {
			var b strings.Builder
			for _, c := range h {
				b.WriteRune(c)
				b.WriteRune(c)
			}
			h = b.String()
		}
		v, _ := strconv.ParseUint(h, 16, 32)
		if len(h) == 6 {
			return formatRGBA(int(v>>16&255), int(v>>8&255), int(v&255), 1), nil
		}
		return formatRGBA(int(v>>24&255), int(v>>16&255), int(v>>8&255), float64(v&255)/255), nil
	}
	if m := reRGB.FindStringSubmatch(s); m != nil {
		var c [3]int
		for i := range c {
			n, _ := strconv.Atoi(m[i+1])
			if n > 255 {
				return "", fmt.Errorf("%q: each of r, g and b must be 0 to 255", in)
			}
			c[i] = n
		}
		a := 1.0
		if m[4] != "" {
			pct := strings.HasSuffix(m[4], "%")
			f, err := strconv.ParseFloat(strings.TrimSuffix(m[4], "%"), 64)
			if err != nil {
				return "", fmt.Errorf("%q: the alpha is not a number", in)
			}
			if pct {
				f /= 100
			}
			if f < 0 || f > 1 {
				return "", fmt.Errorf("%q: the alpha must be 0 to 1 (or 0%% to 100%%)", in)
			}
			a = f
		}
		return formatRGBA(c[0], c[1], c[2], a), nil
	}
	return "", fmt.Errorf("%q is not a colour this tool knows", in)
}

func formatRGBA(r, g, b int, a float64) string {
	a = math.Round(a*100) / 100
	return fmt.Sprintf("rgba(%d, %d, %d, %s)", r, g, b, strconv.FormatFloat(a, 'f', -1, 64))
}

// Size is a player size: a number of pixels or a string such as "40px".
type Size string

// UnmarshalJSON takes a JSON number or string.
func (s *Size) UnmarshalJSON(b []byte) error {
	var f json.Number
	if err := json.Unmarshal(b, &f); err == nil {
		*s = Size(f.String())
		return nil
	}
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return fmt.Errorf("a size is a number of pixels or a string like \"40px\"")
	}
	*s = Size(str)
	return nil
}

// JSONSchema declares the number-or-string form.
func (Size) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		OneOf: []*jsonschema.Schema{
			{Type: "number", Minimum: json.Number("0"), Maximum: json.Number("1000")},
			{Type: "string", MaxLength: ptr(uint64(16)), Pattern: `^\s*\d+(\.\d+)?\s*(px)?\s*$`},
		},
	}
}

func ptr[T any](v T) *T { return &v }

// pxSize converts 40, "40" or "40 px" to "40px".
func pxSize(in Size) (string, error) {
	s := strings.ToLower(strings.TrimSpace(string(in)))
	m := rePx.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("%q is not a size in pixels", string(in))
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil || f > 1000 {
		return "", fmt.Errorf("%q is not a size in pixels between 0 and 1000", string(in))
	}
	return strconv.FormatFloat(f, 'f', -1, 64) + "px", nil
}

// cssColors are the CSS Color Module Level 4 named colours.
var cssColors = map[string][3]int{
	"aliceblue": {240, 248, 255}, "antiquewhite": {250, 235, 215}, "aqua": {0, 255, 255}, "aquamarine": {127, 255, 212},
	"azure": {240, 255, 255}, "beige": {245, 245, 220}, "bisque": {255, 228, 196}, "black": {0, 0, 0},
	"blanchedalmond": {255, 235, 205}, "blue": {0, 0, 255}, "blueviolet": {138, 43, 226}, "brown": {165, 42, 42},
	"burlywood": {222, 184, 135}, "cadetblue": {95, 158, 160}, "chartreuse": {127, 255, 0}, "chocolate": {210, 105, 30},
	"coral": {255, 127, 80}, "cornflowerblue": {100, 149, 237}, "cornsilk": {255, 248, 220}, "crimson": {220, 20, 60},
	"cyan": {0, 255, 255}, "darkblue": {0, 0, 139}, "darkcyan": {0, 139, 139}, "darkgoldenrod": {184, 134, 11},
	"darkgray": {169, 169, 169}, "darkgreen": {0, 100, 0}, "darkgrey": {169, 169, 169}, "darkkhaki": {189, 183, 107},
	"darkmagenta": {139, 0, 139}, "darkolivegreen": {85, 107, 47}, "darkorange": {255, 140, 0}, "darkorchid": {153, 50, 204},
	"darkred": {139, 0, 0}, "darksalmon": {233, 150, 122}, "darkseagreen": {143, 188, 143}, "darkslateblue": {72, 61, 139},
	"darkslategray": {47, 79, 79}, "darkslategrey": {47, 79, 79}, "darkturquoise": {0, 206, 209}, "darkviolet": {148, 0, 211},
	"deeppink": {255, 20, 147}, "deepskyblue": {0, 191, 255}, "dimgray": {105, 105, 105}, "dimgrey": {105, 105, 105},
	"dodgerblue": {30, 144, 255}, "firebrick": {178, 34, 34}, "floralwhite": {255, 250, 240}, "forestgreen": {34, 139, 34},
	"fuchsia": {255, 0, 255}, "gainsboro": {220, 220, 220}, "ghostwhite": {248, 248, 255}, "gold": {255, 215, 0},
	"goldenrod": {218, 165, 32}, "gray": {128, 128, 128}, "green": {0, 128, 0}, "greenyellow": {173, 255, 47},
	"grey": {128, 128, 128}, "honeydew": {240, 255, 240}, "hotpink": {255, 105, 180}, "indianred": {205, 92, 92},
	"indigo": {75, 0, 130}, "ivory": {255, 255, 240}, "khaki": {240, 230, 140}, "lavender": {230, 230, 250},
	"lavenderblush": {255, 240, 245}, "lawngreen": {124, 252, 0}, "lemonchiffon": {255, 250, 205}, "lightblue": {173, 216, 230},
	"lightcoral": {240, 128, 128}, "lightcyan": {224, 255, 255}, "lightgoldenrodyellow": {250, 250, 210}, "lightgray": {211, 211, 211},
	"lightgreen": {144, 238, 144}, "lightgrey": {211, 211, 211}, "lightpink": {255, 182, 193}, "lightsalmon": {255, 160, 122},
	"lightseagreen": {32, 178, 170}, "lightskyblue": {135, 206, 250}, "lightslategray": {119, 136, 153}, "lightslategrey": {119, 136, 153},
	"lightsteelblue": {176, 196, 222}, "lightyellow": {255, 255, 224}, "lime": {0, 255, 0}, "limegreen": {50, 205, 50},
	"linen": {250, 240, 230}, "magenta": {255, 0, 255}, "maroon": {128, 0, 0}, "mediumaquamarine": {102, 205, 170},
	"mediumblue": {0, 0, 205}, "mediumorchid": {186, 85, 211}, "mediumpurple": {147, 112, 219}, "mediumseagreen": {60, 179, 113},
	"mediumslateblue": {123, 104, 238}, "mediumspringgreen": {0, 250, 154}, "mediumturquoise": {72, 209, 204}, "mediumvioletred": {199, 21, 133},
	"midnightblue": {25, 25, 112}, "mintcream": {245, 255, 250}, "mistyrose": {255, 228, 225}, "moccasin": {255, 228, 181},
	"navajowhite": {255, 222, 173}, "navy": {0, 0, 128}, "oldlace": {253, 245, 230}, "olive": {128, 128, 0},
	"olivedrab": {107, 142, 35}, "orange": {255, 165, 0}, "orangered": {255, 69, 0}, "orchid": {218, 112, 214},
	"palegoldenrod": {238, 232, 170}, "palegreen": {152, 251, 152}, "paleturquoise": {175, 238, 238}, "palevioletred": {219, 112, 147},
	"papayawhip": {255, 239, 213}, "peachpuff": {255, 218, 185}, "peru": {205, 133, 63}, "pink": {255, 192, 203},
	"plum": {221, 160, 221}, "powderblue": {176, 224, 230}, "purple": {128, 0, 128}, "rebeccapurple": {102, 51, 153},
	"red": {255, 0, 0}, "rosybrown": {188, 143, 143}, "royalblue": {65, 105, 225}, "saddlebrown": {139, 69, 19},
	"salmon": {250, 128, 114}, "sandybrown": {244, 164, 96}, "seagreen": {46, 139, 87}, "seashell": {255, 245, 238},
	"sienna": {160, 82, 45}, "silver": {192, 192, 192}, "skyblue": {135, 206, 235}, "slateblue": {106, 90, 205},
	"slategray": {112, 128, 144}, "slategrey": {112, 128, 144}, "snow": {255, 250, 250}, "springgreen": {0, 255, 127},
	"steelblue": {70, 130, 180}, "tan": {210, 180, 140}, "teal": {0, 128, 128}, "thistle": {216, 191, 216},
	"tomato": {255, 99, 71}, "turquoise": {64, 224, 208}, "violet": {238, 130, 238}, "wheat": {245, 222, 179},
	"white": {255, 255, 255}, "whitesmoke": {245, 245, 245}, "yellow": {255, 255, 0}, "yellowgreen": {154, 205, 50},
}
