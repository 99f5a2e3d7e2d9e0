//! The playground: mounts MQ Lab into the page's body, on any page. index.html starts it
//! for an address naming a page other than home, or when the home page's module hands over.

fn main() {
    // The loading line of index.html has done its job.
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
    yew::Renderer::<mqlab_web::App>::new().render();
}
