package bundle

import (
	"strings"
	"testing"
)

// A clients or grants answer the bundle cannot cut to the diagnosed client
// (a wrapped list, another client's object) is left out whole, as an
// unreadable user search answer is: it could name other merchants'
// integrations. The diagnosed client's own object stays.
func TestClientAnswersOfUnknownShapeAreLeftOut(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kept       bool
	}{
		{"wrapped list", `{"clients":[{"client_id":"pos"},{"client_id":"other-merchant-client"}]}`, false},
		{"another client", `{"client_id":"other-merchant-client","name":"Other"}`, false},
		{"the diagnosed client", `{"client_id":"pos","name":"POS"}`, true},
	} {
		got, _, dropped := trimClients(tc.body, "pos", nil)
		if tc.kept {
			if dropped || got != tc.body {
				t.Errorf("%s: %q, dropped %v; want it kept", tc.name, got, dropped)
			}
			continue
		}
		if !dropped || strings.Contains(got, "other-merchant-client") {
			t.Errorf("%s: %q, dropped %v; want it left out", tc.name, got, dropped)
		}
	}
	got, n, _ := trimClients(`[{"client_id":"pos"},{"client_id":"other-merchant-client"}]`, "pos", nil)
	if n != 1 || strings.Contains(got, "other-merchant-client") {
		t.Errorf("a list: %q, %d cut", got, n)
	}
}
