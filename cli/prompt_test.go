package cli

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadSecretLine(t *testing.T) {
	for _, c := range []struct {
		in, want string
		err      error
	}{
		{"secret\r", "secret", nil},
		{"secret\n", "secret", nil},
		{"sekk\x7f\x7fcret\r", "secret", nil},
		{"pässß\x7f\r", "päss", nil},
		{"junk\x15secret\r", "secret", nil},
		{"sec\x03ret\r", "", errInterrupted},
		{"\x04", "", io.EOF},
		{"partial", "partial", nil},
		{"", "", io.EOF},
	} {
		got, err := readSecretLine(strings.NewReader(c.in))
		if got != c.want || !errors.Is(err, c.err) && err != c.err {
			t.Errorf("%q: %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}
