package dinterotest_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// The outbox is this server's: a base URL of another server (another port,
// scheme or path) gets none of it; this one's, however written, does.
func TestServesOnlyItsOwnBaseURL(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	for base, want := range map[string]bool{
		srv.URL:                                true,
		srv.URL + "/":                          true,
		" " + srv.URL:                          true,
		"http://localhost:" + u.Port() + "/v1": true,
		"http://127.0.0.1:1/v1":                false,
		"https://" + u.Host + "/v1":            false,
		"http://" + u.Host:                     false,
		"http://" + u.Host + "/v2":             false,
		"https://api.dintero.com/v1":           false,
		"":                                     false,
	} {
		if got := srv.Serves(base); got != want {
			t.Errorf("Serves(%q) = %v, want %v", base, got, want)
		}
	}
}
