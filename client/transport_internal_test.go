package client

import (
	"fmt"
	"net/url"
	"testing"
)

// A workbench that has talked to many hosts keeps at most maxTransports
// transports: the least recently used one goes.
func TestSharedTransportsAreBounded(t *testing.T) {
	c := &transportCache{}
	u := func(i int) *url.URL { return &url.URL{Scheme: "https", Host: fmt.Sprintf("h%d.example", i)} }
	get := func(i int) any {
		tr, err := c.get(u(i), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	first := get(0)
	for i := 1; i < maxTransports; i++ {
		get(i)
	}
	if get(0) != first {
		t.Fatal("a transport of the same host was not shared")
	}
	// h1 is now the least recently used: a new host replaces it.
	get(maxTransports)
	if len(c.entries) != maxTransports {
		t.Fatalf("%d transports kept, want %d", len(c.entries), maxTransports)
	}
	if _, ok := c.entries[transportKey{scheme: "https", host: "h1.example"}]; ok {
		t.Error("the least recently used transport (h1) was kept")
	}
	if get(0) != first {
		t.Error("a recently used transport (h0) was dropped")
	}
}
