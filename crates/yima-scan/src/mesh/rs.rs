//! Reed–Solomon decoding over GF(256) as QR codes use it (field polynomial x⁸ + x⁴ + x³ +
//! x² + 1, generator roots α⁰ … α^(n−k−1)), with erasures: a codeword known to be unreliable
//! costs one check symbol instead of the two an unknown error costs. rxing's decoder
//! takes no erasures, hence this one.

/// exp[i] = α^i for i in 0..510 (doubled so products need no reduction); log[α^i] = i.
struct Field {
    exp: [u8; 510],
    log: [u8; 256],
}

const fn build() -> Field {
    let mut exp = [0u8; 510];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        exp[i + 255] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11d;
        }
        i += 1;
    }
    Field { exp, log }
}

static GF: Field = build();

fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        GF.exp[GF.log[a as usize] as usize + GF.log[b as usize] as usize]
    }
}

fn inv(a: u8) -> u8 {
    GF.exp[255 - GF.log[a as usize] as usize]
}

fn pow_alpha(i: usize) -> u8 {
    GF.exp[i % 255]
}

/// Evaluates a polynomial given lowest degree first.
fn eval_low(p: &[u8], x: u8) -> u8 {
    p.iter().rev().fold(0, |acc, &c| mul(acc, x) ^ c)
}

fn poly_mul(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len() + b.len() - 1];
    for (i, &x) in a.iter().enumerate() {
        for (j, &y) in b.iter().enumerate() {
            out[i + j] ^= mul(x, y);
        }
    }
    out
}

/// The outcome of decoding one block.
#[derive(Debug, PartialEq, Eq)]
pub struct Corrected {
    /// Unknown errors found (and corrected).
    pub errors: usize,
    /// Erasures given.
    pub erasures: usize,
}

/// Corrects `block` (data then check codewords, highest degree first) in place, given
/// the indices of erased codewords, with `nsym` check codewords. Refuses (returns `None`)
/// unless `2 × errors + erasures + slack ≤ nsym`: the `slack` spare check symbols make a
/// miscorrection of a block too damaged to read unlikely.
pub fn correct(block: &mut [u8], nsym: usize, erased: &[usize], slack: usize) -> Option<Corrected> {
    let n = block.len();
    if nsym == 0 || n > 255 || nsym >= n || erased.len() + slack > nsym {
        return None;
    }
    // Syndromes S_j = c(α^j), c evaluated with block[0] as the highest coefficient.
    let synd: Vec<u8> = (0..nsym)
        .map(|j| {
            let x = pow_alpha(j);
            block.iter().fold(0, |acc, &c| mul(acc, x) ^ c)
        })
        .collect();
    if synd.iter().all(|&s| s == 0) {
        return Some(Corrected {
            errors: 0,
            erasures: 0,
        });
    }
    // Locator of position p: X = α^(n-1-p).
    let loc = |p: usize| pow_alpha(n - 1 - p);
    // Erasure locator Γ(x) = Π (1 + X_k x), lowest degree first.
    let mut gamma = vec![1u8];
    for &p in erased {
        gamma = poly_mul(&gamma, &[1, loc(p)]);
    }
    // Forney syndromes: T = S·Γ mod x^nsym; T_e.. T_(nsym-1) see only the errors.
    let t = poly_mul(&synd, &gamma);
    let e = erased.len();
    let seq = &t[e..nsym];
    // Berlekamp–Massey on seq.
    let (mut c, mut b) = (vec![1u8], vec![1u8]);
    let (mut l, mut m, mut bb) = (0usize, 1usize, 1u8);
    for r in 0..seq.len() {
        let mut d = seq[r];
        for i in 1..c.len().min(r + 1) {
            d ^= mul(c[i], seq[r - i]);
        }
        if d == 0 {
            m += 1;
            continue;
        }
        let coef = mul(d, inv(bb));
        let mut next = c.clone();
        if next.len() < b.len() + m {
            next.resize(b.len() + m, 0);
        }
        for (i, &x) in b.iter().enumerate() {
            next[i + m] ^= mul(coef, x);
        }
        if 2 * l <= r {
            b = std::mem::replace(&mut c, next);
            l = r + 1 - l;
            bb = d;
            m = 1;
        } else {
            c = next;
            m += 1;
        }
    }
    while c.len() > 1 && c[c.len() - 1] == 0 {
        c.pop();
    }
    if c.len() != l + 1 {
        return None;
    }
    if 2 * l + e + slack > nsym {
        return None;
    }
    // Chien search for the errors.
    let mut positions: Vec<usize> = erased.to_vec();
    let mut found = 0;
    for p in 0..n {
        if eval_low(&c, inv(loc(p))) == 0 {
            if erased.contains(&p) {
                return None;
            }
            positions.push(p);
            found += 1;
        }
    }
    if found != l {
        return None;
    }
    // Errata locator Ψ = Λ·Γ, evaluator Ω = S·Ψ mod x^nsym, magnitudes by Forney (first
    // root α⁰: e = X · Ω(X⁻¹) / Ψ'(X⁻¹)).
    let psi = poly_mul(&c, &gamma);
    let mut omega = poly_mul(&synd, &psi);
    omega.truncate(nsym);
    let dpsi: Vec<u8> = (1..psi.len())
        .map(|i| if i % 2 == 1 { psi[i] } else { 0 })
        .collect();
    for &p in &positions {
        let x = loc(p);
        let xi = inv(x);
        let den = eval_low(&dpsi, xi);
        if den == 0 {
            return None;
        }
        block[p] ^= mul(mul(x, eval_low(&omega, xi)), inv(den));
    }
    let clean = (0..nsym).all(|j| {
        let x = pow_alpha(j);
        block.iter().fold(0, |acc, &c| mul(acc, x) ^ c) == 0
    });
    clean.then_some(Corrected {
        errors: l,
        erasures: e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Systematic encoding: data followed by the remainder of data·x^nsym by the generator.
    fn encode(data: &[u8], nsym: usize) -> Vec<u8> {
        let mut g = vec![1u8]; // highest degree first
        for i in 0..nsym {
            let mut next = vec![0u8; g.len() + 1];
            for (j, &c) in g.iter().enumerate() {
                next[j] ^= c;
                next[j + 1] ^= mul(c, pow_alpha(i));
            }
            g = next;
        }
        let mut msg = data.to_vec();
        msg.resize(data.len() + nsym, 0);
        for i in 0..data.len() {
            let c = msg[i];
            if c != 0 {
                for (j, &gj) in g.iter().enumerate().skip(1) {
                    msg[i + j] ^= mul(gj, c);
                }
            }
        }
        msg[..data.len()].copy_from_slice(data);
        msg
    }

    #[test]
    fn errors_and_erasures_are_corrected() {
        let data: Vec<u8> = (0..16u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(5))
            .collect();
        let good = encode(&data, 20);
        assert!(correct(&mut good.clone(), 20, &[], 0).is_some());
        // 6 errors and 8 erasures: 2·6 + 8 = 20.
        let mut bad = good.clone();
        for p in [0, 3, 7, 15, 20, 35] {
            bad[p] ^= 0x5a;
        }
        let erased = [1, 2, 9, 10, 11, 25, 26, 30];
        for &p in &erased {
            bad[p] = 0;
        }
        let mut fixed = bad.clone();
        let c = correct(&mut fixed, 20, &erased, 0).expect("within capacity");
        assert_eq!(fixed, good);
        assert_eq!((c.errors, c.erasures), (6, 8));
        // With two spare check symbols required it refuses.
        assert!(correct(&mut bad.clone(), 20, &erased, 2).is_none());
        // 11 errors are beyond it.
        let mut worse = good.clone();
        for p in 0..11 {
            worse[p * 3] ^= 0x33;
        }
        let mut copy = worse.clone();
        assert!(correct(&mut copy, 20, &[], 0).is_none_or(|_| copy != good));
    }
}
