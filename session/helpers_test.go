package session

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// fakeKeyring is an in-memory profiles.Keyring, shared by the services of
// a test as the OS keyring is shared by processes. failAt makes its n-th
// call (counting every Get, Set and Delete from 1) fail.
type fakeKeyring struct {
	mu     sync.Mutex
	m      map[string]string
	calls  int
	failAt int
}

var errKeyringDown = fmt.Errorf("%w: the fake keyring failed on purpose", profiles.ErrNoKeyring)

func newFakeKeyring() *fakeKeyring { return &fakeKeyring{m: map[string]string{}} }

func (k *fakeKeyring) call() error {
	k.calls++
	if k.failAt > 0 && k.calls == k.failAt {
		return errKeyringDown
	}
	return nil
}

func (k *fakeKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.call(); err != nil {
		return "", err
	}
	v, ok := k.m[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *fakeKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.call(); err != nil {
		return err
	}
	k.m[service+"/"+user] = secret
	return nil
}

func (k *fakeKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.call(); err != nil {
		return err
	}
	if _, ok := k.m[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, service+"/"+user)
	return nil
}

// snapshot is the keyring's contents, for comparing before and after.
func (k *fakeKeyring) snapshot() map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make(map[string]string, len(k.m))
	for key, v := range k.m {
		out[key] = v
	}
	return out
}

func (k *fakeKeyring) arm(n int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls, k.failAt = 0, n
}

// failingFile is the real store whose writes can be made to fail, as a
// full disk or a read-only directory would.
type failingFile struct {
	*profiles.Store
	fail bool
}

var errDiskFull = errors.New("writing profiles: no space left on device")

func (f *failingFile) Add(p profiles.Profile) error {
	if f.fail {
		return errDiskFull
	}
	return f.Store.Add(p)
}

func (f *failingFile) Put(name string, p profiles.Profile) error {
	if f.fail {
		return errDiskFull
	}
	return f.Store.Put(name, p)
}

func (f *failingFile) Remove(name string) error {
	if f.fail {
		return errDiskFull
	}
	return f.Store.Remove(name)
}

// newService returns a service on dir and kr, refreshing against real HTTP.
func newService(t *testing.T, dir string, kr profiles.Keyring) *Service {
	t.Helper()
	st := &profiles.Store{Dir: dir}
	sec := &profiles.Secrets{Store: st, Keyring: kr, Getenv: func(string) string { return "" }}
	return New(st, sec, func(base string) (*flows.Runner, error) {
		c, err := client.New(client.Options{BaseURL: base, Timeout: 10 * time.Second})
		if err != nil {
			return nil, err
		}
		return flows.NewRunner(c), nil
	})
}

func configDir(t *testing.T) string { return filepath.Join(t.TempDir(), "cfg") }

func fakeServer(t *testing.T, cfg dinterotest.Config) *dinterotest.Server {
	t.Helper()
	srv, err := dinterotest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// clientProfile is a client_credentials profile with its secret in the
// keyring.
func clientProfile(name, base string) profiles.Profile {
	return profiles.Profile{Name: name, BaseURL: base, Account: dinterotest.DemoAccount, Grant: string(client.GrantClientCredentials),
		ClientID: dinterotest.DemoClientID, Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}}
}

func names(ps []profiles.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	sort.Strings(out)
	return out
}
