package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/time/rate"
)

// keySet is the issuer's JWKS as the verifier uses it (an oidc.KeySet).
// go-oidc's RemoteKeySet refetches the JWKS whenever no cached key
// verifies a token, so anyone could make every request a fetch from the
// authorization server by sending a garbage token. Here a token whose kid
// names a cached key is checked against that key only; the JWKS is
// refetched only for a kid it does not hold (a rotation) or a token
// without a kid that no cached key verifies, at most refetchBurst times
// and then once per refetchEvery, and concurrent refetches are one.
// Parsing and signature checks are go-jose's.
type keySet struct {
	uri    string
	client *http.Client
	limit  *rate.Limiter

	mu      sync.Mutex
	keys    []jose.JSONWebKey
	fetched time.Time

	fetchMu sync.Mutex // one refetch at a time
}

const (
	refetchEvery = 10 * time.Second
	refetchBurst = 5
)

func newKeySet(ctx context.Context, client *http.Client, uri string) (*keySet, error) {
	k := &keySet{uri: uri, client: client, limit: rate.NewLimiter(rate.Every(refetchEvery), refetchBurst)}
	if _, err := k.refresh(ctx, time.Time{}); err != nil {
		return nil, err
	}
	return k, nil
}

var joseAlgs = func() []jose.SignatureAlgorithm {
	out := make([]jose.SignatureAlgorithm, len(signingAlgs))
	for i, a := range signingAlgs {
		out[i] = jose.SignatureAlgorithm(a)
	}
	return out
}()

// VerifySignature implements oidc.KeySet. Error texts keep go-oidc's
// phrases that describe() maps ("malformed jwt", "failed to verify
// signature", "fetching keys").
func (k *keySet) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	jws, err := jose.ParseSigned(raw, joseAlgs)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, errors.New("oauth: malformed jwt")
	}
	kid := jws.Signatures[0].Header.KeyID
	k.mu.Lock()
	keys, asOf := k.keys, k.fetched
	k.mu.Unlock()
	payload, known := verifyWith(jws, keys, kid)
	switch {
	case payload != nil:
		return payload, nil
	case known:
		// The kid's key is cached: a refetch would not change the answer.
		return nil, errors.New("oauth: failed to verify signature")
	}
	if keys, err = k.refresh(ctx, asOf); errors.Is(err, errRefetchLimited) {
		return nil, errors.New("oauth: failed to verify signature (a key the issuer's JWKS did not hold moments ago)")
	} else if err != nil {
		return nil, err
	}
	if payload, _ = verifyWith(jws, keys, kid); payload != nil {
		return payload, nil
	}
	return nil, errors.New("oauth: failed to verify signature")
}

// verifyWith checks jws with the key named kid (every key when kid is
// empty); known reports whether a key of that kid was there.
func verifyWith(jws *jose.JSONWebSignature, keys []jose.JSONWebKey, kid string) (payload []byte, known bool) {
	for _, key := range keys {
		if kid != "" && key.KeyID != kid {
			continue
		}
		known = kid != ""
		if p, err := jws.Verify(&key); err == nil {
			return p, true
		}
	}
	return nil, known
}

var errRefetchLimited = errors.New("oauth: the JWKS was refetched too often")

// refresh fetches the JWKS unless another refresh finished after asOf
// (then its keys are the answer); past the limiter's budget it does not
// fetch (errRefetchLimited). A zero asOf is the first fetch.
func (k *keySet) refresh(ctx context.Context, asOf time.Time) ([]jose.JSONWebKey, error) {
	k.fetchMu.Lock()
	defer k.fetchMu.Unlock()
	k.mu.Lock()
	if !asOf.IsZero() && k.fetched.After(asOf) {
		keys := k.keys
		k.mu.Unlock()
		return keys, nil
	}
	k.mu.Unlock()
	if !asOf.IsZero() && !k.limit.Allow() {
		return nil, errRefetchLimited
	}
	var set jose.JSONWebKeySet
	if err := getJSON(ctx, k.client, k.uri, &set); err != nil {
		return nil, fmt.Errorf("fetching keys: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, key := range set.Keys {
		if key.Valid() && key.IsPublic() && (key.Use == "" || key.Use == "sig") {
			keys = append(keys, key)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("fetching keys: the key set has no public signing keys")
	}
	k.mu.Lock()
	k.keys, k.fetched = keys, time.Now()
	k.mu.Unlock()
	return keys, nil
}
