package common

import "context"

// Request is a page's one request in flight: the id its answer must carry
// (an answer with another is stale and dropped) and the cancel of its
// context.
type Request struct {
	id     int
	cancel context.CancelFunc
}

// Begin cancels the request in flight, if any, and starts the next: its
// context and the id its answer carries.
func (r *Request) Begin(c *Context) (context.Context, int) {
	r.Abort(c)
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.id = c.NextID()
	return ctx, r.id
}

// Abort cancels the request in flight; its answer will be dropped.
func (r *Request) Abort(c *Context) {
	r.Done()
	r.id = c.NextID()
}

// Done releases the request's context: its answer came.
func (r *Request) Done() {
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
}

// Answers reports whether an answer carrying id is the request's.
func (r *Request) Answers(id int) bool { return id == r.id }
