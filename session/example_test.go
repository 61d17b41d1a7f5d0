package session_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
)

// A profile saved with its secret, a token obtained and held, and the
// auto-refresh a TUI's tick drives; then a rename refused before anything
// is touched.
func Example() {
	srv, _ := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "tokenbench-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	store := &profiles.Store{Dir: dir}
	secrets := profiles.NewSecrets(store)
	newRunner := func(baseURL string) (*flows.Runner, error) {
		c, err := client.New(client.Options{BaseURL: baseURL})
		if err != nil {
			return nil, err
		}
		return flows.NewRunner(c), nil
	}
	svc := session.New(store, secrets, newRunner)

	p := profiles.Profile{Name: "demo", BaseURL: srv.URL, Account: dinterotest.DemoAccount, Grant: "client_credentials",
		ClientID: dinterotest.DemoClientID, AutoRefresh: true, RefreshBefore: profiles.Duration(5 * time.Minute),
		// The plain secrets file keeps this example off the OS keyring.
		Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceFile}}
	if err := svc.Create(ctx, p, session.Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		fmt.Println(err)
		return
	}

	// Obtain a token with the caller's flow; Run remembers and holds it.
	req := p.Request()
	if err := secrets.FillSecrets(ctx, p, &req, nil); err != nil {
		fmt.Println(err)
		return
	}
	runner, _ := newRunner(p.BaseURLOrDefault())
	res, _, err := svc.Run(ctx, p, req, func(ctx context.Context, req flows.Request) (*flows.Result, error) {
		res, _, err := runner.Start(ctx, req) // the TUI continues an MFA session itself
		return res, err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	next, _ := svc.NextRefresh("demo")
	fmt.Println("auto-refresh", res.Expiry.At.Sub(next), "before expiry")

	// The TUI's tick, once the clock reaches it: each due name in a tea.Cmd.
	svc.Now = func() time.Time { return next }
	for _, name := range svc.Due() {
		out, err := svc.AutoRefresh(ctx, name)
		fmt.Println(name, "refreshed:", err == nil && out.Result != nil)
	}

	// Renaming onto a taken name touches nothing.
	_ = svc.Duplicate(ctx, "demo", "copy")
	err = svc.Rename(ctx, "demo", "copy")
	fmt.Println(errors.Is(err, profiles.ErrExists))
	// Output:
	// auto-refresh 5m0s before expiry
	// demo refreshed: true
	// true
}
