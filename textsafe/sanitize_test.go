package textsafe

import "testing"

func TestSanitize(t *testing.T) {
	cases := map[string]string{
		"plain":                     "plain",
		"a\x1b[31mred\x1b[0m":       "a[31mred[0m",
		"bell\x07":                  "bell",
		"multi\nline\r\n\ttext":     "multi line text",
		"c1\u009bcsi":               "c1csi",
		"bidi\u202eevil\u202c":      "bidievil",
		"bad utf8 \xff\xfe":         "bad utf8 \ufffd\ufffd",
		"  lead and trail  \n":      "lead and trail",
		"del\x7fchar":               "delchar",
		"emoji ok 🚀 and æøå intact": "emoji ok 🚀 and æøå intact",
	}
	for in, want := range cases {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscapeJSONControls(t *testing.T) {
	got := EscapeJSONControls("\"a\u009bb\u202ec\u2066d\x7fé\"")
	if got != `"a\u009bb\u202ec\u2066d\u007fé"` {
		t.Errorf("%q", got)
	}
}
