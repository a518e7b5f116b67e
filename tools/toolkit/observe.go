package toolkit

import "context"

type errObserverKey struct{}

// WithErrorObserver returns ctx on which every error a tool turns into an
// error result is also passed to f, unscrubbed and with its chain intact,
// so that the server's metrics can tell a provider's error code from a bad
// argument. f must not show or log the error's text: only its type and
// code, which carry no secret.
func WithErrorObserver(ctx context.Context, f func(error)) context.Context {
	return context.WithValue(ctx, errObserverKey{}, f)
}

// observeError passes err to the observer ctx carries, if any.
func observeError(ctx context.Context, err error) {
	if ctx == nil {
		return
	}
	if f, ok := ctx.Value(errObserverKey{}).(func(error)); ok && f != nil {
		f(err)
	}
}
