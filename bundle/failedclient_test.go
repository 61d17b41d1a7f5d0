package bundle_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
)

// Issue 17's try as a new user: the bundle of a client diagnosis made for
// a failed token request (the TUI's u, read with another client's token)
// holds that failed request: it is the ticket's evidence.
func TestClientDiagnosisBundleHoldsTheFailedRequest(t *testing.T) {
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	rd := &record.Redactor{}
	rec := &record.Recorder{Redactor: rd}
	c, err := client.New(client.Options{BaseURL: srv.URL, Recorder: rec, Redactor: rd})
	if err != nil {
		t.Fatal(err)
	}
	rn := flows.NewRunner(c)
	ctx := context.Background()
	pos := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantClientCredentials, ClientID: dinterotest.DemoPOSClient, ClientSecret: dinterotest.DemoPOSSecret}
	pos.NoteSecrets(rd)
	_, _, posErr := rn.Start(ctx, pos)
	var apiErr *client.APIError
	if !errors.As(posErr, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("the POS request: %v", posErr)
	}
	reader := flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantClientCredentials, ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret}
	reader.NoteSecrets(rd)
	res, _, err := rn.Start(ctx, reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := client.BearerAuth{Token: res.Response.AccessToken}
	for _, p := range []string{"/auth/clients", "/auth/client-grants"} {
		if _, err := c.Get(ctx, "clients", "/accounts/"+dinterotest.DemoAccount+p, auth); err != nil {
			t.Fatal(err)
		}
	}
	in := bundle.Input{Account: dinterotest.DemoAccount, ClientID: dinterotest.DemoClientID, DiagnosedClient: dinterotest.DemoPOSClient,
		Error: apiErr.Error(), Exchanges: rec.Exchanges(), AccessToken: res.Response.AccessToken, Redactor: rd}
	cs := in.Case()
	found := false
	for _, e := range cs.Exchanges {
		if e.Status == 400 && strings.HasSuffix(e.URL, "/auth/token") {
			found = true
		}
	}
	if !found || cs.Left != 0 {
		t.Fatalf("the failed request is not in the bundle (%d exchanges, %d left out)", len(cs.Exchanges), cs.Left)
	}
}
