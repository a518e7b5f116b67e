package httpx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrAddressRefused is why a connection to an address an agent gave was not
// made. It is deliberately the same for every refusal and never says whether
// anything listens there, so errors are no port-scan oracle.
var ErrAddressRefused = errors.New("the address is not allowed (loopback, private, link-local and cloud metadata addresses are refused)")

// ErrUnresolved is a host name that has no address.
var ErrUnresolved = errors.New("the host name could not be resolved")

var (
	metadataAddrs = []netip.Addr{
		netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, OpenStack
		netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
		netip.MustParseAddr("fd00:ec2::254"),   // AWS IPv6
	}
	blockedPrefixes = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach IPv4 private space
	}
)

// PublicAddr reports whether a connection to ip is allowed: not loopback,
// private, link-local, multicast, unspecified or a cloud metadata address.
// With allowPrivate (--allow-private-urls, the sandbox) everything but the
// metadata addresses is allowed.
func PublicAddr(ip netip.Addr, allowPrivate bool) bool {
	ip = ip.Unmap()
	for _, m := range metadataAddrs {
		if ip == m {
			return false
		}
	}
	if allowPrivate {
		return ip.IsValid()
	}
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// PublicDialer dials only addresses PublicAddr allows. The check runs in
// Control, on the address actually dialled after DNS resolution, so DNS
// rebinding and redirects to internal hosts are caught on every hop.
func PublicDialer(allowPrivate bool) *net.Dialer {
	return &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return ErrAddressRefused
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !PublicAddr(ip, allowPrivate) {
				return ErrAddressRefused
			}
			return nil
		},
	}
}

// FetchClient is the HTTP client for URLs an agent gives that the server
// itself fetches: every connection goes through PublicDialer, no proxy
// (a proxy would dial on our behalf, unchecked), at most 5 redirects.
func FetchClient(allowPrivate bool) *http.Client {
	tr := &http.Transport{
		DialContext:           PublicDialer(allowPrivate).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
	}
	return &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		return nil
	}}
}

// CheckHost resolves host and refuses it when any of its addresses is not
// allowed; it returns one allowed address to connect to (so a second
// resolution cannot answer differently). For protocols dialled outside Go.
func CheckHost(ctx context.Context, host string, allowPrivate bool) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		if !PublicAddr(ip, allowPrivate) {
			return netip.Addr{}, ErrAddressRefused
		}
		return ip.Unmap(), nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return netip.Addr{}, ErrUnresolved
	}
	for _, a := range addrs {
		if !PublicAddr(a, allowPrivate) {
			return netip.Addr{}, ErrAddressRefused
		}
	}
	return addrs[0].Unmap(), nil
}
