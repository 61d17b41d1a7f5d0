// Package keyringtest is an in-memory keyring for tests, like
// net/http/httptest: each test makes its own, so tests never share state
// through go-keyring's package-level mock, and the real-keyring integration
// test is never switched to a mock by a test that ran before it.
package keyringtest

import (
	"sync"

	"github.com/zalando/go-keyring"
)

// Keyring implements profiles.Keyring in memory. A missing item is
// keyring.ErrNotFound, as from the OS keyring.
type Keyring struct {
	// Err, when set, is returned by every call: a keyring that cannot be
	// used (wrap profiles.ErrNoKeyring to look like the OS keyring's).
	Err error

	mu    sync.Mutex
	items map[string]string
}

// New returns an empty keyring.
func New() *Keyring { return &Keyring{items: map[string]string{}} }

// Failing returns a keyring whose every call fails with err.
func Failing(err error) *Keyring { return &Keyring{Err: err, items: map[string]string{}} }

func key(service, user string) string { return service + "\x00" + user }

// Get implements profiles.Keyring.
func (k *Keyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Err != nil {
		return "", k.Err
	}
	v, ok := k.items[key(service, user)]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

// Set implements profiles.Keyring.
func (k *Keyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Err != nil {
		return k.Err
	}
	k.items[key(service, user)] = secret
	return nil
}

// Delete implements profiles.Keyring.
func (k *Keyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Err != nil {
		return k.Err
	}
	if _, ok := k.items[key(service, user)]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.items, key(service, user))
	return nil
}

// Len is the number of items held.
func (k *Keyring) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.items)
}
