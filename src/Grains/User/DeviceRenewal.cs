namespace Presence.Grains;

/// <summary>What a device's lease renewal does (<see cref="DeviceLifecycle.Renew"/>).</summary>
internal enum DeviceRenewal
{
    /// <summary>The lease of the registered device was renewed.</summary>
    Renewed,

    /// <summary>A newer connection holds the resource: this device's session ends.</summary>
    Replaced,

    /// <summary>
    /// The resource is still online through a connection no device here holds (our predecessor's, or one dropped within
    /// its grace): the device is taken back as it is, no login.
    /// </summary>
    TakenBack,

    /// <summary>Its resource went offline meanwhile: the device connects again, a login.</summary>
    Login,
}
