//! Leader election on a `coordination.k8s.io` Lease, for `replicas > 1`: a replica runs the
//! controller only while it holds the Lease; it renews every few seconds and stops (the process
//! exits and is restarted) when it loses it. Replacing the Lease uses its resourceVersion, so two
//! replicas cannot both win.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, PostParams};

/// Lease duration; a holder that has not renewed for this long can be replaced.
pub const LEASE_SECONDS: i32 = 15;
/// How often the holder renews.
pub const RENEW_EVERY: Duration = Duration::from_secs(5);

/// True when `lease` is free for `me`: no holder, held by `me`, or expired at `now`.
pub fn can_take(lease: &Lease, me: &str, now: jiff::Timestamp) -> bool {
    let Some(spec) = &lease.spec else { return true };
    let holder = spec.holder_identity.as_deref().unwrap_or("");
    if holder.is_empty() || holder == me {
        return true;
    }
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(LEASE_SECONDS));
    match &spec.renew_time {
        Some(renewed) => renewed.0 + jiff::SignedDuration::from_secs(duration) <= now,
        None => true,
    }
}

fn claimed(mut lease: Lease, me: &str, now: jiff::Timestamp) -> Lease {
    let previous = lease.spec.take().unwrap_or_default();
    let same_holder = previous.holder_identity.as_deref() == Some(me);
    lease.spec = Some(LeaseSpec {
        holder_identity: Some(me.to_string()),
        lease_duration_seconds: Some(LEASE_SECONDS),
        acquire_time: if same_holder {
            previous.acquire_time
        } else {
            Some(MicroTime(now))
        },
        renew_time: Some(MicroTime(now)),
        lease_transitions: Some(previous.lease_transitions.unwrap_or(0) + i32::from(!same_holder)),
        ..Default::default()
    });
    lease
}

/// One attempt to take or renew the Lease; true when `me` holds it afterwards.
pub async fn try_acquire(api: &Api<Lease>, name: &str, me: &str) -> Result<bool, kube::Error> {
    let now = jiff::Timestamp::now();
    match api.get_opt(name).await? {
        None => {
            let lease = claimed(
                Lease {
                    metadata: ObjectMeta {
                        name: Some(name.to_string()),
                        ..Default::default()
                    },
                    spec: None,
                },
                me,
                now,
            );
            match api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(true),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                Err(e) => Err(e),
            }
        }
        Some(lease) if can_take(&lease, me, now) => {
            match api
                .replace(name, &PostParams::default(), &claimed(lease, me, now))
                .await
            {
                Ok(_) => Ok(true),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                Err(e) => Err(e),
            }
        }
        Some(_) => Ok(false),
    }
}

/// Waits until `me` holds the Lease, then keeps renewing it in the background; the returned
/// future completes when leadership is lost.
pub async fn acquire(
    api: Api<Lease>,
    name: String,
    me: String,
) -> impl std::future::Future<Output = ()> {
    loop {
        match try_acquire(&api, &name, &me).await {
            Ok(true) => break,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "leader election"),
        }
        tokio::time::sleep(RENEW_EVERY).await;
    }
    tracing::info!(lease = %name, "acquired leadership");
    async move {
        loop {
            tokio::time::sleep(RENEW_EVERY).await;
            match try_acquire(&api, &name, &me).await {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => tracing::warn!(error = %e, "renewing the leader Lease"),
            }
        }
        tracing::warn!(lease = %name, "lost leadership");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(holder: &str, renewed: i64) -> Lease {
        Lease {
            metadata: ObjectMeta::default(),
            spec: Some(LeaseSpec {
                holder_identity: Some(holder.to_string()),
                lease_duration_seconds: Some(15),
                renew_time: Some(MicroTime(jiff::Timestamp::from_second(renewed).unwrap())),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn a_live_lease_of_another_holder_cannot_be_taken() {
        let now = jiff::Timestamp::from_second(1_000).unwrap();
        assert!(!can_take(&lease("other", 990), "me", now));
        assert!(can_take(&lease("other", 980), "me", now), "expired");
        assert!(can_take(&lease("me", 999), "me", now), "own lease renews");
        assert!(can_take(&Lease::default(), "me", now));
    }

    #[test]
    fn claiming_counts_transitions_only_on_a_new_holder() {
        let now = jiff::Timestamp::from_second(2_000).unwrap();
        let taken = claimed(lease("other", 1), "me", now);
        assert_eq!(taken.spec.as_ref().unwrap().lease_transitions, Some(1));
        let renewed = claimed(taken, "me", now);
        let spec = renewed.spec.unwrap();
        assert_eq!(spec.lease_transitions, Some(1));
        assert_eq!(spec.holder_identity.as_deref(), Some("me"));
    }
}
