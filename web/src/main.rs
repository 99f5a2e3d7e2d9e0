//! Mounts MQ Lab into the page's body.

fn main() {
    // The loading line of index.html has done its job.
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
    yew::Renderer::<mqlab_web::App>::new().render();
}
